package dev.fanout.providers.snap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The vectors are pymacaroons' own (tests/functional_tests/functional_tests.py), which match libmacaroons'. */
class MacaroonsTest {

  private static final byte[] BANK_KEY = bytes("this is our super secret key; only we should know it");
  private static final byte[] OTHER_KEY = bytes("this is a different super-secret key; never use the same secret twice");
  private static final byte[] CAVEAT_KEY = bytes("4; guaranteed random by a fair toss of the dice");
  private static final String CAVEAT_ID = "this was how we remind auth of key/pred";

  @Test
  void signatureAndFirstPartyCaveatMatchPymacaroons() {
    Macaroons.Macaroon m = Macaroons.mint("http://mybank/", BANK_KEY, "we used our secret key");

    assertEquals("e3d9e02908526c4c0039ae15114115d97fdd68bf2ba379b342aaf0f617d0552f", m.hexSignature());
    assertEquals("197bac7a044af33332865b9266e26d493bdd668a660e44d88ce1a998c23dbd67",
        m.withFirstParty("test = caveat").hexSignature());
  }

  @Test
  void serializesAsLibmacaroonsVersionOneAndReadsItBack() {
    Macaroons.Macaroon m = Macaroons.mint("http://mybank/", BANK_KEY, "we used our secret key").withFirstParty("test = caveat");
    String expected = "MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAxNmNpZCB0ZXN0ID0g"
        + "Y2F2ZWF0CjAwMmZzaWduYXR1cmUgGXusegRK8zMyhluSZuJtSTvdZopmDkTYjOGpmMI9vWcK";

    assertEquals(expected, Macaroons.serialize(m));
    assertEquals("9449fd5dd6349427aa556ae5e7b3eeca6796dc14fc05ecf0d21163bdfdb07a28", Macaroons.deserialize(
        "MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAxN2NpZCB0ZXN0ID0gYWNhdmVhdAowMDJmc2ln"
            + "bmF0dXJlIJRJ_V3WNJQnqlVq5eez7spnltwU_AXs8NIRY739sHooCg==").hexSignature());
  }

  @Test
  void thirdPartyCaveatAndBoundDischargeMatchPymacaroons() {
    Macaroons.Macaroon root = bankRoot();
    Macaroons.Macaroon discharge = Macaroons.mint("http://auth.mybank/", CAVEAT_KEY, CAVEAT_ID)
        .withFirstParty("time < 2015-01-01T00:00");

    assertEquals("d27db2fd1f22760e4c3dae8137e2d8fc1df6c0741c18aed4b97256bf78d1f55c", root.hexSignature());
    assertEquals("2eb01d0dd2b4475330739140188648cf25dda0425ea9f661f1574ca0a9eac54e", root.bind(discharge).hexSignature());
  }

  @Test
  void aBoundDischargeVerifiesAndAnUnboundOneDoesNot() {
    Macaroons.Macaroon root = Macaroons.deserialize(Macaroons.serialize(bankRoot()));
    Macaroons.Macaroon discharge = Macaroons.mint("http://auth.mybank/", CAVEAT_KEY, CAVEAT_ID)
        .withFirstParty("time < 2015-01-01T00:00");

    assertNull(Macaroons.verify(root, OTHER_KEY, List.of(root.bind(discharge)), p -> true));
    String unbound = Macaroons.verify(root, OTHER_KEY, List.of(discharge), p -> true);
    assertTrue(unbound.contains("not bound"), unbound);
    assertTrue(Macaroons.verify(root, BANK_KEY, List.of(root.bind(discharge)), p -> true).contains("cannot be opened"));
    assertTrue(Macaroons.verify(root, OTHER_KEY, List.of(root.bind(discharge)), p -> !p.startsWith("time"))
        .contains("not satisfied"));
  }

  private static Macaroons.Macaroon bankRoot() {
    return Macaroons.mint("http://mybank/", OTHER_KEY, "we used our other secret key")
        .withFirstParty("account = 3735928559")
        .withThirdParty("http://auth.mybank/", CAVEAT_KEY, CAVEAT_ID, new byte[24]);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
