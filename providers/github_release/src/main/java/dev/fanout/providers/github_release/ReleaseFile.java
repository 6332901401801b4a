package dev.fanout.providers.github_release;

import dev.fanout.model.Address;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file the release should carry: its name, the artifact it is (or null for a file Fanout
 * makes), its local path (when built), sha256, and bytes (when Fanout makes it). A signed file
 * (a detached signature, a DSSE envelope) has new bytes at every signing, so it is named by
 * what it claims (who signed what) and checked by verifying what the release holds.
 */
record ReleaseFile(String name, Address artifact, Optional<Path> file, String sha256, byte[] content, Signed signed) {

  static ReleaseFile made(String name, byte[] content) {
    return new ReleaseFile(name, null, Optional.empty(), content == null ? null : dev.fanout.provider.Digests.sha256Hex(content),
        content, null);
  }

  /** What the release's item for this file reads: its sha256, or for a signed file its claim. */
  String item() {
    return signed == null ? sha256 : signed.claim();
  }

  /** A signature or signed envelope, made at publish time. */
  interface Signed {

    /** Who signed what, such as {@code "OpenPGP signature by KEYID of sha256:..."}; null while the subject is not built. */
    String claim();

    /** The file's bytes, signed now. */
    byte[] make() throws IOException;

    /** Whether {@code there} (the release's copy) is a signature that still verifies for the claim. */
    boolean holds(byte[] there);
  }
}
