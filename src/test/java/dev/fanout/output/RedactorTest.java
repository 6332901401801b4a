package dev.fanout.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.model.Secret;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets leave no trace in any form a registry or a URL gives them back in. */
class RedactorTest {

  /** A canary with the characters that encodings change: + / = and a quote. */
  private static final String CANARY = "pypi-Ag+Ee/Xw==canary\"42-token";

  private final Redactor redactor = Redactor.of(List.of(Map.of("token", new Secret("env PYPI_TOKEN", CANARY))));

  @Test
  void removesTheSecretAsIsAndEncoded() {
    byte[] raw = CANARY.getBytes(StandardCharsets.UTF_8);
    for (String form : List.of(CANARY, Base64.getEncoder().encodeToString(raw),
        Base64.getUrlEncoder().withoutPadding().encodeToString(raw), URLEncoder.encode(CANARY, StandardCharsets.UTF_8),
        CANARY.replace("\"", "\\\"").replace("/", "\\/"))) {
      String out = redactor.redact("echo: " + form + " end");
      assertEquals("echo: (sensitive) end", out, form);
    }
  }

  @Test
  void removesTheSecretInsideABasicHeaderWhateverTheUserName() {
    for (String user : List.of("__token__", "a", "ab", "abc")) {
      String basic = Base64.getEncoder().encodeToString((user + ":" + CANARY).getBytes(StandardCharsets.UTF_8));
      String out = redactor.redact("Authorization: Basic " + basic);
      assertTrue(out.contains("(sensitive)"), out);
      // What is left of the header cannot hold more than the two bytes at each end of the secret.
      String left = out.replace("Authorization: Basic ", "").replace("(sensitive)", "");
      assertTrue(left.length() <= Base64.getEncoder().encodeToString((user + ":").getBytes()).length() + 6, out);
    }
  }

  @Test
  void theTerminalWriterRedactsASecretWrittenInPieces() throws Exception {
    StringWriter sink = new StringWriter();
    try (RedactingWriter w = new RedactingWriter(sink, redactor)) {
      w.write(CANARY.substring(0, 5));
      w.write(CANARY.substring(5) + "\n");
    }
    assertEquals("(sensitive)\n", sink.toString());
  }

  @Test
  void learnsSecretsAfterTheWritersWereMade() {
    Redactor late = Redactor.none();
    assertEquals(CANARY, late.redact(CANARY));
    late.learn(List.of(new Secret("env X", CANARY)));
    assertFalse(late.redact(CANARY).contains("canary"));
  }

  @Test
  void removesTheSecretSplitAcrossALineBreakRawOrEscaped() {
    for (String sep : List.of("\n", "\r\n", "\\n", "\\\\n")) {
      String split = CANARY.substring(0, 9) + sep + CANARY.substring(9);
      String out = redactor.redact("echo: " + split + " end");
      assertEquals("echo: (sensitive) end", out, sep);
    }
    String wrapped = Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8));
    assertEquals("x (sensitive) y", redactor.redact("x " + wrapped.substring(0, 12) + "\r\n" + wrapped.substring(12) + " y"));
  }
}
