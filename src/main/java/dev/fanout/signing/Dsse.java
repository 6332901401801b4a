package dev.fanout.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * DSSE envelopes (secure-systems-lab/dsse, protocol.md): the signature is over the
 * pre-authentication encoding of the payload type and the payload, so a verifier never has to
 * parse an unverified payload, and a payload cannot be re-read as another type.
 */
public final class Dsse {

  /** The payload type of an in-toto statement. */
  public static final String IN_TOTO = "application/vnd.in-toto+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Dsse() {
  }

  /** {@code PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}, LEN in ASCII decimal bytes. */
  public static byte[] pae(String type, byte[] body) {
    byte[] t = type.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("DSSEv1 " + t.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(t);
    out.writeBytes((" " + body.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** A one-line JSON envelope (as a {@code .intoto.jsonl} line holds it) signed by {@code signer}. */
  public static byte[] envelope(String type, byte[] payload, Signer signer) throws IOException {
    ObjectNode e = JSON.createObjectNode();
    e.put("payloadType", type);
    e.put("payload", Base64.getEncoder().encodeToString(payload));
    ObjectNode sig = e.putArray("signatures").addObject();
    sig.put("keyid", signer.keyId());
    sig.put("sig", Base64.getEncoder().encodeToString(signer.sign(pae(type, payload))));
    return (JSON.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What an envelope holds.
   *
   * @param verified one of its signatures is the verifier's over the PAE of its type and payload
   */
  public record Opened(String payloadType, byte[] payload, boolean verified) { }

  /** Reads the first envelope of {@code jsonl}; null when it is not a DSSE envelope at all. */
  public static Opened open(byte[] jsonl, Signer verifier) {
    try {
      String text = new String(jsonl, StandardCharsets.UTF_8).strip();
      int newline = text.indexOf('\n');
      JsonNode e = JSON.readTree(newline < 0 ? text : text.substring(0, newline));
      String type = e.path("payloadType").asText(null);
      if (type == null || !e.path("payload").isTextual()) {
        return null;
      }
      byte[] payload = Base64.getDecoder().decode(e.path("payload").asText());
      boolean verified = false;
      for (JsonNode s : e.path("signatures")) {
        verified |= verifier.verifies(pae(type, payload), Base64.getDecoder().decode(s.path("sig").asText("")));
      }
      return new Opened(type, payload, verified);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }
}
