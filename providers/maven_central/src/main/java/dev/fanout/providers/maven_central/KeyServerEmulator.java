package dev.fanout.providers.maven_central;

import dev.fanout.sandbox.Emulator;
import dev.fanout.sandbox.EmulatorContext;
import dev.fanout.sandbox.SandboxRequest;
import dev.fanout.sandbox.SandboxResponse;
import dev.fanout.signing.EphemeralKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * An OpenPGP key server in the sandbox, speaking the HKP that Maven Central's validation and
 * {@code gpg --send-keys} use: {@code GET /pks/lookup?op=get&options=mr&search=0xFINGERPRINT}
 * (or a 16-digit key id; any subkey's too) answers the armored key, 404 when none is held;
 * {@code POST /pks/add} with {@code keytext} publishes one. It holds the sandbox's own signing
 * key from the start, as a publisher's key is on keys.openpgp.org before a first release.
 *
 * <p>State: {@code keys/{FINGERPRINT}.asc}, one file per published key.
 */
public final class KeyServerEmulator implements Emulator {

  private EmulatorContext ctx;

  @Override
  public String registry() {
    return "keyserver";
  }

  @Override
  public synchronized void start(EmulatorContext context) throws IOException {
    this.ctx = context;
    Files.createDirectories(keys());
    if (!Files.exists(ctx.stateDir().resolve(".seeded"))) {
      add(EphemeralKey.sandbox().armoredPublic());
      Files.writeString(ctx.stateDir().resolve(".seeded"), "the sandbox signing key\n");
    }
  }

  @Override
  public boolean isWrite(SandboxRequest request) {
    return request.method().equals("POST");
  }

  @Override
  public synchronized SandboxResponse handle(SandboxRequest request) throws IOException {
    if (request.method().equals("GET") && request.path().equals("/pks/lookup")) {
      String op = request.param("op");
      String search = request.param("search");
      if (!"get".equals(op) || search == null) {
        return SandboxResponse.text(501, "Not implemented: only op=get is served");
      }
      Path found = find(search.toUpperCase(Locale.ROOT).replaceFirst("^0X", ""));
      return found == null ? SandboxResponse.text(404, "No key found for " + search)
          : SandboxResponse.bytes(200, "application/pgp-keys", Files.readAllBytes(found));
    }
    if (request.method().equals("POST") && request.path().equals("/pks/add")) {
      String form = new String(request.body(), StandardCharsets.UTF_8);
      for (String pair : form.split("&")) {
        if (pair.startsWith("keytext=")) {
          try {
            String fingerprint = add(URLDecoder.decode(pair.substring(8), StandardCharsets.UTF_8));
            return SandboxResponse.text(200, "Key " + fingerprint + " published");
          } catch (IOException e) {
            return SandboxResponse.text(400, "Invalid key: " + e.getMessage());
          }
        }
      }
      return SandboxResponse.text(400, "keytext is required");
    }
    return SandboxResponse.text(404, "Not found");
  }

  /**
   * Whether {@code armoredSignature} is a valid signature of {@code data} by a key this key
   * server holds in {@code state} (its state folder): {@code null} when it is, else Central's
   * words for why not. What the Portal's validation asks of a public key server.
   */
  static String verify(Path state, byte[] data, byte[] armoredSignature) {
    org.bouncycastle.openpgp.PGPSignature sig;
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredSignature))) {
      Object o = new org.bouncycastle.openpgp.PGPObjectFactory(in, new BcKeyFingerprintCalculator()).nextObject();
      if (!(o instanceof org.bouncycastle.openpgp.PGPSignatureList list) || list.isEmpty()) {
        return "not a signature";
      }
      sig = list.get(0);
    } catch (IOException | RuntimeException e) {
      return "not a signature";
    }
    String keyId = HexFormat.of().withUpperCase().formatHex(java.nio.ByteBuffer.allocate(8).putLong(sig.getKeyID()).array());
    try (var files = Files.isDirectory(state.resolve("keys")) ? Files.list(state.resolve("keys")) : java.util.stream.Stream.<Path>empty()) {
      for (Path f : files.filter(x -> x.toString().endsWith(".asc")).toList()) {
        PGPPublicKey key = ring(Files.readAllBytes(f)).getPublicKey(sig.getKeyID());
        if (key != null) {
          sig.init(new org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider(), key);
          sig.update(data);
          return sig.verify() ? null : "the signature does not match the file";
        }
      }
    } catch (IOException | org.bouncycastle.openpgp.PGPException | RuntimeException e) {
      return "the signature cannot be checked: " + e.getMessage();
    }
    return "Could not find a public key by the key fingerprint (key " + keyId + ")";
  }

  /** Stores an armored public key under its primary fingerprint; returns that fingerprint. */
  private String add(String armored) throws IOException {
    PGPPublicKeyRing ring = ring(armored.getBytes(StandardCharsets.UTF_8));
    String fingerprint = hex(ring.getPublicKey().getFingerprint());
    Files.writeString(keys().resolve(fingerprint + ".asc"), armored);
    return fingerprint;
  }

  /** The key whose primary or subkey fingerprint (or its last 16 digits, the key id) is {@code wanted}. */
  private Path find(String wanted) throws IOException {
    if (!wanted.matches("[0-9A-F]{16}|[0-9A-F]{40}|[0-9A-F]{64}")) {
      return null;
    }
    try (var files = Files.list(keys())) {
      for (Path f : files.filter(p -> p.toString().endsWith(".asc")).toList()) {
        for (Iterator<PGPPublicKey> k = ring(Files.readAllBytes(f)).getPublicKeys(); k.hasNext(); ) {
          String fp = hex(k.next().getFingerprint());
          if (fp.equals(wanted) || fp.endsWith(wanted) && wanted.length() == 16) {
            return f;
          }
        }
      }
    }
    return null;
  }

  private static PGPPublicKeyRing ring(byte[] armored) throws IOException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored))) {
      Iterator<PGPPublicKeyRing> rings = new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator()).getKeyRings();
      if (!rings.hasNext()) {
        throw new IOException("no public key");
      }
      return rings.next();
    } catch (org.bouncycastle.openpgp.PGPException | RuntimeException e) {
      throw new IOException("not an armored OpenPGP public key", e);
    }
  }

  static String hex(byte[] fingerprint) {
    return HexFormat.of().withUpperCase().formatHex(fingerprint);
  }

  private Path keys() {
    return ctx.stateDir().resolve("keys");
  }
}
