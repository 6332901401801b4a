package dev.fanout.providers.maven_central;

import dev.fanout.signing.EphemeralKey;
import dev.fanout.signing.OpenPgpSigner;
import java.io.IOException;
import org.bouncycastle.openpgp.PGPPublicKeyRing;

/** A throwaway OpenPGP key made per test run; no private key is ever committed. */
record TestKeys(String armoredSecret, String armoredPublic, PGPPublicKeyRing publicRing, String password) {

  static TestKeys generate(String password) throws IOException {
    EphemeralKey k = EphemeralKey.generate("Fanout Test <test@example.org>", password);
    return new TestKeys(k.armoredSecret(), k.armoredPublic(), k.publicRing(), password);
  }

  /** Whether {@code armoredSignature} is a valid signature of {@code data} by this key. */
  boolean verifies(byte[] data, byte[] armoredSignature) {
    return OpenPgpSigner.verifies(publicRing.getPublicKey(), data, armoredSignature);
  }
}
