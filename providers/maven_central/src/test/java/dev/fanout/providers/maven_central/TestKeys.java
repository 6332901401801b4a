package dev.fanout.providers.maven_central;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/** A throwaway OpenPGP key made per test run; no private key is ever committed. */
record TestKeys(String armoredSecret, String armoredPublic, PGPPublicKeyRing publicRing, String password) {

  static TestKeys generate(String password) throws IOException {
    try {
      Ed25519KeyPairGenerator kpg = new Ed25519KeyPairGenerator();
      kpg.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
      AsymmetricCipherKeyPair kp = kpg.generateKeyPair();
      BcPGPKeyPair pair = new BcPGPKeyPair(PublicKeyAlgorithmTags.EDDSA_LEGACY, kp, new Date());
      BcPGPDigestCalculatorProvider digests = new BcPGPDigestCalculatorProvider();
      PGPKeyRingGenerator gen = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair,
          "Fanout Test <test@example.org>", digests.get(HashAlgorithmTags.SHA1), null, null,
          new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA256),
          new BcPBESecretKeyEncryptorBuilder(PGPEncryptedData.AES_256, digests.get(HashAlgorithmTags.SHA256))
              .build(password.toCharArray()));
      PGPPublicKeyRing pub = gen.generatePublicKeyRing();
      return new TestKeys(armor(gen.generateSecretKeyRing().getEncoded()), armor(pub.getEncoded()), pub, password);
    } catch (PGPException e) {
      throw new IOException(e);
    }
  }

  /** Whether {@code armoredSignature} is a valid signature of {@code data} by this key. */
  boolean verifies(byte[] data, byte[] armoredSignature) throws IOException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredSignature))) {
      PGPSignature sig = ((PGPSignatureList) new PGPObjectFactory(in, new BcKeyFingerprintCalculator()).nextObject()).get(0);
      sig.init(new BcPGPContentVerifierBuilderProvider(), publicRing.getPublicKey(sig.getKeyID()));
      sig.update(data);
      return sig.verify();
    } catch (PGPException | RuntimeException e) {
      return false;
    }
  }

  private static String armor(byte[] encoded) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = new ArmoredOutputStream(out)) {
      armored.write(encoded);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }
}
