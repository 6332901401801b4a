package dev.fanout.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RegistryAnswerTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void wellFormedXhtmlIsNotTheXmlDocumentAsked() {
    RegistryException e = assertThrows(RegistryException.class, () -> RegistryAnswer.xml("maven_central",
        "read metadata", 200, "text/html", utf8("<html><body>Sign in</body></html>"), "metadata"));

    assertEquals(200, e.status());
    assertFalse(e.isTransient());
    assertTrue(e.getMessage().contains("maven_central read metadata failed (HTTP 200): the answer is text/html, not XML"
        + " with a <metadata> root"), e.getMessage());
  }

  @Test
  void anEmptySuccessfulAnswerIsNotJson() {
    RegistryException e = assertThrows(RegistryException.class,
        () -> RegistryAnswer.json("npm", "read of left-pad", 200, null, new byte[0]));

    assertTrue(e.getMessage().contains("the answer is no content type without a body, not JSON"), e.getMessage());
  }

  @Test
  void theRegistrysDocumentIsRead() throws RegistryException {
    assertEquals("1.0.35", RegistryAnswer.json("pypi", "read", 200, "application/json",
        utf8("{\"info\": {\"version\": \"1.0.35\"}}")).path("info").path("version").asText());
    assertEquals("metadata", RegistryAnswer.xml("maven_central", "read", 200, "text/xml",
        utf8("<metadata><versioning/></metadata>"), "metadata").getDocumentElement().getLocalName());
  }
}
