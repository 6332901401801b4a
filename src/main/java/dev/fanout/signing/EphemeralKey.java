package dev.fanout.signing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Date;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/**
 * A throwaway OpenPGP key, made in memory and never written anywhere: for tests, and under
 * {@code --sandbox} when no signing key is set (the sandbox checks that every file is signed,
 * not by whom), so the example runs on a new machine.
 */
public record EphemeralKey(String armoredSecret, String armoredPublic, PGPPublicKeyRing publicRing, String password) {

  public static EphemeralKey generate(String userId, String password) throws IOException {
    Ed25519KeyPairGenerator kpg = new Ed25519KeyPairGenerator();
    kpg.init(new Ed25519KeyGenerationParameters(new SecureRandom()));
    return make(userId, password, kpg.generateKeyPair(), new Date());
  }

  /**
   * The sandbox's signing key: the same in every sandbox (made from a fixed seed and date),
   * so the sandbox's key server can hold it from the start, as a publisher's key is on a key
   * server before a first release. Its secret is public: it signs for the sandbox only.
   */
  public static EphemeralKey sandbox() throws IOException {
    byte[] seed = dev.fanout.provider.Digests.digest("SHA-256",
        "fanout sandbox signing key".getBytes(StandardCharsets.UTF_8));
    Ed25519PrivateKeyParameters secret = new Ed25519PrivateKeyParameters(seed, 0);
    return make("Fanout Sandbox <sandbox@fanout.invalid>", "sandbox",
        new AsymmetricCipherKeyPair(secret.generatePublicKey(), secret), new Date(1704067200000L));
  }

  private static EphemeralKey make(String userId, String password, AsymmetricCipherKeyPair kp, Date created)
      throws IOException {
    try {
      BcPGPKeyPair pair = new BcPGPKeyPair(PublicKeyAlgorithmTags.EDDSA_LEGACY, kp, created);
      BcPGPDigestCalculatorProvider digests = new BcPGPDigestCalculatorProvider();
      PGPKeyRingGenerator gen = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, pair, userId,
          digests.get(HashAlgorithmTags.SHA1), null, null,
          new BcPGPContentSignerBuilder(PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA256),
          new BcPBESecretKeyEncryptorBuilder(PGPEncryptedData.AES_256, digests.get(HashAlgorithmTags.SHA256))
              .build(password.toCharArray()));
      PGPPublicKeyRing pub = gen.generatePublicKeyRing();
      return new EphemeralKey(armor(gen.generateSecretKeyRing().getEncoded()), armor(pub.getEncoded()), pub, password);
    } catch (PGPException e) {
      throw new IOException(e);
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
