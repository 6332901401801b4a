package dev.fanout.providers.aur;

import dev.fanout.model.Secret;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RemoteSession;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.util.FS;

/**
 * Git over SSH to the AUR, the only way it takes a push: JGit's SSH transport on Apache MINA
 * SSHD with the private key read from the environment into memory (armored OpenSSH or PEM
 * text, an optional passphrase; never written to disk), no {@code ~/.ssh} files read, and the
 * server's host key checked against the configured known hosts: by default the fingerprints
 * the AUR publishes on its home page.
 */
final class AurSsh implements Closeable {

  /** https://aur.archlinux.org/ ("The following SSH fingerprints are used for the AUR"). */
  static final List<String> AUR_FINGERPRINTS = List.of(
      "aur.archlinux.org SHA256:RFzBCUItH9LZS0cKB5UE6ceAYhBD5C8GeOBip8Z11+4",
      "aur.archlinux.org SHA256:uTa/0PndEgPZTf76e1DFqXKJEXKsn7m9ivhLQtzGOCI",
      "aur.archlinux.org SHA256:5s5cIyReIfNNVGRFdDbe3hdYiI5OelHGpw2rOUud3Q8");

  private static final int TIMEOUT_SECONDS = 30;

  /** What went wrong on the way in, in words the plan can show. */
  static final class SshRefused extends IOException {
    enum Why { HOST_KEY, AUTHENTICATION, KEY, OTHER }

    final Why why;

    SshRefused(Why why, String message, Throwable cause) {
      super(message, cause);
      this.why = why;
    }
  }

  private final SshdSessionFactory factory;
  private final Path home;
  private final List<String> knownHosts;
  private volatile String refusedHostKey;

  /**
   * @param keys the private key, read by {@link #keys}
   * @param knownHosts lines of {@code HOST SHA256:fingerprint} or of an OpenSSH
   *     {@code known_hosts} file ({@code HOST KEYTYPE BASE64}; {@code [HOST]:PORT} for another port)
   */
  AurSsh(List<KeyPair> keys, List<String> knownHosts, Path work) throws SshRefused {
    this.knownHosts = List.copyOf(knownHosts);
    try {
      // An empty home: JGit must read no ~/.ssh/config, identity or known_hosts of the machine.
      this.home = Files.createTempDirectory(Files.createDirectories(work), "ssh-home-");
      Files.createDirectories(home.resolve(".ssh"));
    } catch (IOException e) {
      throw new SshRefused(SshRefused.Why.OTHER, "cannot make a work folder for SSH: " + e.getMessage(), e);
    }
    this.factory = new SshdSessionFactoryBuilder()
        .setHomeDirectory(home.toFile())
        .setSshDirectory(home.resolve(".ssh").toFile())
        .setPreferredAuthentications("publickey")
        .setConfigStoreFactory((h, f, u) -> null)
        .setDefaultKeysProvider(dir -> keys)
        .setServerKeyDatabase((h, s) -> new Known())
        .build(null);
  }

  /** Points a JGit transport at this SSH session factory (for clone, fetch, push, ls-remote). */
  void configure(Transport transport) {
    if (transport instanceof SshTransport ssh) {
      ssh.setSshSessionFactory(factory);
    }
  }

  /**
   * Runs one command as an SSH login (the AUR's {@code help}) and returns what it printed; a
   * refused host key, a refused key or no answer is an {@link SshRefused}.
   */
  String run(String uri, String command) throws SshRefused {
    RemoteSession session = null;
    try {
      session = factory.getSession(new URIish(uri), null, FS.DETECTED, TIMEOUT_SECONDS * 1000);
      Process p = session.exec(command, TIMEOUT_SECONDS);
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      byte[] err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroy();
        throw new SshRefused(SshRefused.Why.OTHER, "no answer to '" + command + "' within " + TIMEOUT_SECONDS + " s", null);
      }
      return new String(out, StandardCharsets.UTF_8) + new String(err, StandardCharsets.UTF_8);
    } catch (java.net.URISyntaxException e) {
      throw new SshRefused(SshRefused.Why.OTHER, "not an ssh URL: " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SshRefused(SshRefused.Why.OTHER, "interrupted", e);
    } catch (IOException e) {
      throw classify(e);
    } finally {
      if (session != null) {
        session.disconnect();
      }
    }
  }

  /** An SSH failure (JGit says it only in words) as a refusal the plan can name. */
  SshRefused classify(Throwable e) {
    if (e instanceof SshRefused refused) {
      return refused;
    }
    String message = String.valueOf(e.getMessage());
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      message += ": " + c.getMessage();
    }
    String lower = message.toLowerCase(Locale.ROOT);
    if (refusedHostKey != null || lower.contains("server key did not validate") || lower.contains("host key")) {
      return new SshRefused(SshRefused.Why.HOST_KEY, "the server's host key " + (refusedHostKey == null ? "" : refusedHostKey + " ")
          + "is not among the known hosts", e);
    }
    if (lower.contains("authentication") || lower.contains("auth fail") || lower.contains("no more authentication")) {
      return new SshRefused(SshRefused.Why.AUTHENTICATION, "the server refused the key (Permission denied (publickey))", e);
    }
    return new SshRefused(SshRefused.Why.OTHER, message, e);
  }

  /** The key pair in {@code key}'s armored text, decrypted with {@code passphrase} when set; in memory only. */
  static List<KeyPair> keys(Secret key, Secret passphrase) throws SshRefused {
    try (InputStream in = new ByteArrayInputStream(key.reveal().getBytes(StandardCharsets.UTF_8))) {
      FilePasswordProvider password = passphrase.isSet() ? FilePasswordProvider.of(passphrase.reveal()) : FilePasswordProvider.EMPTY;
      List<KeyPair> out = new ArrayList<>();
      Iterable<KeyPair> read = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(key.source()), in, password);
      if (read != null) {
        read.forEach(out::add);
      }
      if (out.isEmpty()) {
        throw new SshRefused(SshRefused.Why.KEY, key.source() + " holds no private key", null);
      }
      return out;
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      if (e instanceof SshRefused refused) {
        throw refused;
      }
      // Never the key's text: only what kind of problem it is.
      String why = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      throw new SshRefused(SshRefused.Why.KEY, key.source() + " is not a private key that can be read"
          + (why.contains("password") || why.contains("passphrase") || why.contains("decrypt")
          ? " (wrong or missing passphrase)" : " (expected OpenSSH or PEM armored text)"), null);
    }
  }

  /** SHA256 fingerprint as OpenSSH prints it. */
  static String fingerprint(PublicKey key) {
    return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
  }

  /** The configured known hosts for {@code host} (with {@code [host]:port} off port 22) hold this key. */
  boolean known(String host, int port, PublicKey key) {
    String name = port == 22 || port <= 0 ? host : "[" + host + "]:" + port;
    String fp = fingerprint(key);
    for (String line : knownHosts) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 2 || line.trim().startsWith("#") || !List.of(f[0].split(",")).contains(name)) {
        continue;
      }
      if (f[1].startsWith("SHA256:") && f[1].equals(fp)) {
        return true;
      }
      if (f.length >= 3 && f[1].equals(KeyUtils.getKeyType(key)) && fp.equals(blobFingerprint(f[2]))) {
        return true;
      }
    }
    return false;
  }

  private static String blobFingerprint(String base64) {
    try {
      byte[] digest = dev.fanout.provider.Digests.digest("SHA-256", Base64.getDecoder().decode(base64));
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Host keys checked against the configured list only: no file, no prompt, no learning. */
  private final class Known implements ServerKeyDatabase {
    @Override
    public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
      return List.of();
    }

    @Override
    public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
        Configuration config, CredentialsProvider provider) {
      String host = connectAddress.startsWith("[") ? connectAddress.substring(1, connectAddress.indexOf(']')) : connectAddress;
      int port = remoteAddress == null ? 22 : remoteAddress.getPort();
      if (host.contains(":") && !connectAddress.startsWith("[")) {
        host = host.substring(0, host.indexOf(':'));
      }
      boolean ok = known(host, port, serverKey);
      if (!ok) {
        refusedHostKey = KeyUtils.getKeyType(serverKey) + " " + fingerprint(serverKey) + " of " + connectAddress;
      }
      return ok;
    }
  }

  @Override
  public void close() {
    factory.close();
    try (var walk = Files.walk(home)) {
      for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException leftBehind) {
      // an empty folder under .fanout
    }
  }

}
