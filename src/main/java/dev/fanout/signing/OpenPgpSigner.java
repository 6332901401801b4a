package dev.fanout.signing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Iterator;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * Detached, ASCII-armored OpenPGP signatures (what Central wants beside every file, and what
 * {@code gpg --verify} reads beside a release asset), made in-process with BouncyCastle's
 * lightweight API (no JCA provider to register, no gpg agent). Shared by every provider that
 * signs, so a key is read and unlocked one way only.
 */
public final class OpenPgpSigner implements Signer {

  private final PGPPrivateKey privateKey;
  private final PGPPublicKey publicKey;

  private OpenPgpSigner(PGPPrivateKey privateKey, PGPPublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /**
   * Reads an armored secret key (as {@code gpg --armor --export-secret-keys} writes it) and
   * unlocks its first signing key. The message never holds the key or the password.
   */
  public static OpenPgpSigner load(String armoredSecretKey, String password) throws IOException {
    PGPSecretKeyRingCollection rings;
    try (InputStream in = PGPUtil.getDecoderStream(
        new ByteArrayInputStream(armoredSecretKey.getBytes(StandardCharsets.UTF_8)))) {
      rings = new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator());
    } catch (PGPException | IOException | RuntimeException e) {
      throw new IOException("the signing key is not an armored OpenPGP secret key "
          + "(export it with gpg --armor --export-secret-keys KEYID)", e);
    }
    for (Iterator<PGPSecretKeyRing> r = rings.getKeyRings(); r.hasNext(); ) {
      for (Iterator<PGPSecretKey> k = r.next().getSecretKeys(); k.hasNext(); ) {
        PGPSecretKey key = k.next();
        if (!key.isSigningKey() || key.isPrivateKeyEmpty()) {
          continue;
        }
        try {
          PGPPrivateKey unlocked = key.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(
              new BcPGPDigestCalculatorProvider()).build(password == null ? new char[0] : password.toCharArray()));
          return new OpenPgpSigner(unlocked, key.getPublicKey());
        } catch (PGPException e) {
          throw new IOException("cannot unlock the signing key " + keyId(key.getPublicKey())
              + ": wrong signing_password?", e);
        }
      }
    }
    throw new IOException("the signing key holds no secret key that can sign");
  }

  /** An armored detached signature of {@code data}. */
  @Override
  public byte[] sign(byte[] data) throws IOException {
    try {
      PGPSignatureGenerator generator = new PGPSignatureGenerator(
          new BcPGPContentSignerBuilder(publicKey.getAlgorithm(), HashAlgorithmTags.SHA512), publicKey);
      generator.init(PGPSignature.BINARY_DOCUMENT, privateKey);
      generator.update(data);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out)) {
        generator.generate().encode(armored);
      }
      return out.toByteArray();
    } catch (PGPException e) {
      throw new IOException("signing failed with key " + keyId(publicKey) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String keyId() {
    return keyId(publicKey);
  }

  /** The signing key's full fingerprint, upper-case hex, as key servers are searched by it. */
  public String fingerprint() {
    return HexFormat.of().withUpperCase().formatHex(publicKey.getFingerprint());
  }

  @Override
  public boolean verifies(byte[] data, byte[] signature) {
    return verifies(publicKey, data, signature);
  }

  @Override
  public String extension() {
    return ".asc";
  }

  /** Whether {@code armoredSignature} is a valid detached signature of {@code data} by {@code key}. */
  public static boolean verifies(PGPPublicKey key, byte[] data, byte[] armoredSignature) {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredSignature))) {
      if (!(new PGPObjectFactory(in, new BcKeyFingerprintCalculator()).nextObject() instanceof PGPSignatureList list)
          || list.isEmpty() || list.get(0).getKeyID() != key.getKeyID()) {
        return false;
      }
      PGPSignature sig = list.get(0);
      sig.init(new BcPGPContentVerifierBuilderProvider(), key);
      sig.update(data);
      return sig.verify();
    } catch (PGPException | IOException | RuntimeException e) {
      return false;
    }
  }

  /** The armored public key, for people (and {@code gpg --import}) to check the signatures with. */
  public String armoredPublicKey() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(out)) {
      publicKey.encode(armored);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  private static String keyId(PGPPublicKey key) {
    return HexFormat.of().withUpperCase().formatHex(java.nio.ByteBuffer.allocate(8).putLong(key.getKeyID()).array());
  }

  /** Whether {@code armored} holds at least one OpenPGP signature packet; what Central's validator reads first. */
  public static boolean isSignature(byte[] armored) {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored))) {
      Object o = new PGPObjectFactory(in, new BcKeyFingerprintCalculator()).nextObject();
      return o instanceof PGPSignatureList list && !list.isEmpty();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
