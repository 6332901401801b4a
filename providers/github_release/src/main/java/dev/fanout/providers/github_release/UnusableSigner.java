package dev.fanout.providers.github_release;

import dev.fanout.model.Secret;
import dev.fanout.signing.OpenPgpSigner;
import dev.fanout.signing.Signer;
import java.io.IOException;

/**
 * A signing key that cannot be read or unlocked. It stands in for the signer so the plan still
 * lists the signatures it owes; the credential check refuses with {@link #why()}, and it never
 * signs. The message names where the key came from, never the key.
 */
record UnusableSigner(String why) implements Signer {

  static Signer orLoad(Secret key, Secret password) {
    try {
      return OpenPgpSigner.load(key.reveal(), password.isSet() ? password.reveal() : null);
    } catch (IOException e) {
      return new UnusableSigner("signing key (" + key.source() + "): " + e.getMessage());
    }
  }

  @Override
  public String keyId() {
    return "an unusable key";
  }

  @Override
  public byte[] sign(byte[] data) throws IOException {
    throw new IOException(why);
  }

  @Override
  public boolean verifies(byte[] data, byte[] signature) {
    return false;
  }

  @Override
  public String extension() {
    return ".asc";
  }
}
