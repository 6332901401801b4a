package dev.fanout.providers.maven_central;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/** A throwaway OpenPGP key made per test run; no private key is ever committed. */
record TestKeys(String armoredSecret, String armoredPublic, PGPPublicKeyRing publicRing, String password) {

  static TestKeys generate(String password) throws IOException {
    EphemeralKey k = EphemeralKey.generate("Fanout Test <test@example.org>", password);
    return new TestKeys(k.armoredSecret(), k.armoredPublic(), k.publicRing(), password);
  }

  /** Whether {@code armoredSignature} is a valid signature of {@code data} by this key. */
  boolean verifies(byte[] data, byte[] armoredSignature) throws IOException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armoredSignature))) {
      PGPSignature sig = ((PGPSignatureList) new PGPObjectFactory(in, new BcKeyFingerprintCalculator()).nextObject()).get(0);
      sig.init(new BcPGPContentVerifierBuilderProvider(), publicRing.getPublicKey(sig.getKeyID()));
      sig.update(data);
      return sig.verify();
    } catch (PGPException | RuntimeException e) {
      return false;
    }
  }
}
