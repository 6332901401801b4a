package dev.fanout.provider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The one place that computes digests (SHA-256 for checksums, SHA-512 and SHA-1 for npm and
 * Chocolatey, SHA3-384 for snaps, MD5 for Maven): over bytes, a stream or a file, as
 * lower-case hex or base64. Algorithms are named as the JDK names them; each one used here is
 * required of every JVM or shipped with it, so a missing one is a broken JVM, not a user error.
 */
public final class Digests {

  private Digests() {
  }

  /** A fresh digest to feed piece by piece. */
  public static MessageDigest of(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JVM", e);
    }
  }

  public static byte[] digest(String algorithm, byte[] data) {
    return of(algorithm).digest(data);
  }

  public static String hex(String algorithm, byte[] data) {
    return HexFormat.of().formatHex(digest(algorithm, data));
  }

  /** Reads the stream to its end; the caller closes it. */
  public static String hex(String algorithm, InputStream in) throws IOException {
    MessageDigest md = of(algorithm);
    byte[] buffer = new byte[64 * 1024];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      md.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Standard base64 with padding, as Chocolatey's feed and npm's integrity strings carry it. */
  public static String base64(String algorithm, byte[] data) {
    return Base64.getEncoder().encodeToString(digest(algorithm, data));
  }

  public static String sha256Hex(byte[] data) {
    return hex("SHA-256", data);
  }

  public static String sha256Hex(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return hex("SHA-256", in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
