package dev.fanout.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An emulator's answer.
 *
 * @param reason the reason phrase of the status line; null for the standard one. PyPI puts
 *     its error messages here, so the emulator must be able to set it.
 */
public record SandboxResponse(int status, String reason, Map<String, String> headers, byte[] body) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public SandboxResponse {
    headers = Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  public static SandboxResponse json(int status, Object value) {
    try {
      return new SandboxResponse(status, null, Map.of("Content-Type", "application/json"),
          JSON.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON-serialisable: " + value, e);
    }
  }

  public static SandboxResponse text(int status, String text) {
    return new SandboxResponse(status, null, Map.of("Content-Type", "text/plain; charset=utf-8"),
        text.getBytes(StandardCharsets.UTF_8));
  }

  public static SandboxResponse bytes(int status, String contentType, byte[] body) {
    return new SandboxResponse(status, null, Map.of("Content-Type", contentType), body);
  }

  public static SandboxResponse empty(int status) {
    return new SandboxResponse(status, null, Map.of(), new byte[0]);
  }

  /** The same response with another reason phrase. */
  public SandboxResponse withReason(String newReason) {
    return new SandboxResponse(status, newReason, headers, body);
  }

  /** The same response with one more header. */
  public SandboxResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new SandboxResponse(status, reason, more, body);
  }
}
