package dev.fanout.providers.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.sandbox.SandboxResponse;
import java.io.IOException;

/**
 * Headers GitHub sends that are not part of a body: {@code X-GitHub-Request-Id} on every
 * answer (the id GitHub Support asks for, docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api)
 * and {@code Location} on a 201, which GitHub's OpenAPI description declares for
 * {@code repos/create-release}, {@code git/create-ref} and {@code pulls/create}.
 */
final class GithubHeaders {

  private static final ObjectMapper JSON = new ObjectMapper();

  private GithubHeaders() {
  }

  /** GitHub's request ids are five hexadecimal groups, {@code 0000:1111:2222:3333:44444444}. */
  static String requestId(long count) {
    return String.format("%04X:%04X:%06X:%06X:%08X", 0xF00D, count >>> 32 & 0xFFFF, count >>> 16 & 0xFFFF,
        count & 0xFFFF, count);
  }

  /** The answer with {@code Location} set to the created object's {@code url}, when it is a 201 with one. */
  static SandboxResponse location(SandboxResponse response) {
    if (response.status() != 201 || response.headers().containsKey("Location")) {
      return response;
    }
    try {
      JsonNode created = JSON.readTree(response.body());
      if (created != null && created.path("url").isTextual()) {
        return response.withHeader("Location", created.get("url").asText());
      }
    } catch (IOException notJson) {
      // Not a JSON object: nothing to point at.
    }
    return response;
  }
}
