package dev.fanout.signing;

import java.io.IOException;

/**
 * Who signs what Fanout publishes. An OpenPGP key from the environment ({@link OpenPgpSigner})
 * today; a keyless Sigstore signer (a Fulcio certificate for the CI job's identity) can
 * implement the same contract later, so the providers that sign do not change.
 */
public interface Signer {

  /** Who signs, as people look the key up: an OpenPGP key id, a key's fingerprint, an identity. */
  String keyId();

  /** A detached signature of {@code data}, in the signer's own encoding (armored OpenPGP for a PGP key). */
  byte[] sign(byte[] data) throws IOException;

  /** Whether {@code signature} (as {@link #sign} makes it) is this signer's signature of {@code data}. */
  boolean verifies(byte[] data, byte[] signature);

  /** The file name ending of a detached signature: {@code .asc} for OpenPGP, as gpg and GitHub readers expect. */
  String extension();
}
