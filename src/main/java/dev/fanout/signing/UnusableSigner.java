package dev.fanout.signing;

import dev.fanout.model.Secret;
import java.io.IOException;

/**
 * A signing key that cannot be read or unlocked. It stands in for the signer so the plan still
 * lists the signatures it owes; the provider's credential check refuses with {@link #why()}, and
 * it never signs. The message names where the key came from, never the key.
 */
public record UnusableSigner(String why, String extension) implements Signer {

  /** How a provider reads its kind of key. */
  public interface Loader {
    Signer load(String key, String password) throws IOException;
  }

  /** The key's signer, or an unusable one saying why. */
  public static Signer orLoad(Secret key, Secret password, Loader loader, String extension) {
    try {
      return loader.load(key.reveal(), password != null && password.isSet() ? password.reveal() : null);
    } catch (IOException e) {
      return new UnusableSigner("signing key (" + key.source() + "): " + e.getMessage(), extension);
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
}
