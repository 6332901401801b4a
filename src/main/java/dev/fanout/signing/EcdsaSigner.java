package dev.fanout.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;

/**
 * ECDSA P-256 with SHA-256, the signature cosign makes with a key ({@code cosign sign --key}):
 * ASN.1 DER, as {@code openssl dgst -sha256 -verify} and cosign's verifier read it. The key is
 * a PEM PKCS#8 private key ({@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256});
 * its public half is derived from it, so only one secret needs setting.
 */
public final class EcdsaSigner implements Signer {

  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private EcdsaSigner(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /**
   * Reads a PEM {@code PRIVATE KEY} (PKCS#8) of curve P-256, or an {@code ENCRYPTED PRIVATE KEY}
   * (PKCS#8 with PBES2, as {@code openssl pkcs8 -topk8} writes it) with its password. The
   * message never holds the key or the password.
   */
  public static EcdsaSigner load(String pem, String password) throws IOException {
    boolean encrypted = pem != null && pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    String label = encrypted ? "ENCRYPTED PRIVATE KEY" : "PRIVATE KEY";
    String begin = "-----BEGIN " + label + "-----";
    int start = pem == null ? -1 : pem.indexOf(begin);
    int end = start < 0 ? -1 : pem.indexOf("-----END " + label + "-----", start);
    if (end < 0) {
      throw new IOException("the image signing key is not a PEM PKCS#8 private key (BEGIN PRIVATE KEY); make one with"
          + " openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256, or convert an EC key with openssl pkcs8 -topk8");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
      PKCS8EncodedKeySpec spec = encrypted ? decrypt(der, password) : new PKCS8EncodedKeySpec(der);
      KeyFactory ec = KeyFactory.getInstance("EC");
      if (!(ec.generatePrivate(spec) instanceof ECPrivateKey key)
          || key.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IOException("the image signing key is not an ECDSA P-256 key, which cosign-compatible signatures need");
      }
      X9ECParameters p256 = CustomNamedCurves.getByName("P-256");
      org.bouncycastle.math.ec.ECPoint q = p256.getG().multiply(key.getS()).normalize();
      PublicKey pub = ec.generatePublic(new ECPublicKeySpec(new ECPoint(q.getAffineXCoord().toBigInteger(),
          q.getAffineYCoord().toBigInteger()), key.getParams()));
      return new EcdsaSigner(key, pub);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("the image signing key cannot be read as a PKCS#8 EC key: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * An encrypted PKCS#8 key's plain form. The JDK names PBES2 ciphers by their parameters
   * (such as PBEWithHmacSHA256AndAES_256), not by "PBES2", so the parameters choose the cipher.
   */
  private static PKCS8EncodedKeySpec decrypt(byte[] der, String password) throws IOException, GeneralSecurityException {
    if (password == null || password.isEmpty()) {
      throw new IOException("the image signing key is encrypted: set signing_password");
    }
    javax.crypto.EncryptedPrivateKeyInfo info = new javax.crypto.EncryptedPrivateKeyInfo(der);
    String algorithm = info.getAlgParameters().toString();
    javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance(algorithm);
    cipher.init(javax.crypto.Cipher.DECRYPT_MODE, javax.crypto.SecretKeyFactory.getInstance(algorithm)
        .generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray())), info.getAlgParameters());
    try {
      return info.getKeySpec(cipher);
    } catch (java.security.spec.InvalidKeySpecException e) {
      throw new IOException("cannot decrypt the image signing key: wrong signing_password?", e);
    }
  }

  @Override
  public String keyId() {
    return HexFormat.of().formatHex(dev.fanout.provider.Digests.digest("SHA-256", publicKey.getEncoded()), 0, 8);
  }

  @Override
  public byte[] sign(byte[] data) throws IOException {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(privateKey);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IOException("ECDSA signing failed with key " + keyId() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean verifies(byte[] data, byte[] signature) {
    return verifies(publicKey, data, signature);
  }

  /** Whether {@code signature} (DER) is {@code key}'s ECDSA-SHA256 signature of {@code data}. */
  public static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      s.update(data);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public String extension() {
    return ".sig";
  }

  /** The public key as PEM ({@code BEGIN PUBLIC KEY}), as {@code cosign verify --key} and openssl read it. */
  public String publicKeyPem() {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(publicKey.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }
}
