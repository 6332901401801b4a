package dev.fanout.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code DIR/requests.jsonl}: one line per request, {@code {time, registry, method, path,
 * status, write, duration_ms}} and {@code fault} when one was applied. Tests and benchmarks
 * count writes from it. Paths are logged without their query, which may carry a token.
 */
final class RequestLog implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final OutputStream out;

  RequestLog(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  synchronized void record(String registry, String method, String path, int status, boolean write,
      long durationMs, String fault) {
    record(registry, method, path, status, write, durationMs, fault, null);
  }

  /**
   * @param credential what kind of credential the request carried (see {@link #credentialKind}),
   *     never the credential; null for none
   */
  synchronized void record(String registry, String method, String path, int status, boolean write,
      long durationMs, String fault, String credential) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", Instant.now().toString());
    line.put("registry", registry);
    line.put("method", method);
    line.put("path", path);
    line.put("status", status);
    line.put("write", write);
    line.put("duration_ms", durationMs);
    if (fault != null) {
      line.put("fault", fault);
    }
    if (credential != null) {
      line.put("credential", credential);
    }
    try {
      byte[] json = JSON.writeValueAsBytes(line);
      byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
      withNewline[json.length] = '\n';
      // One write, so one system call per request under the lock (the stream is unbuffered);
      // the log was about a sixth of the sandbox's CPU samples at 10,000 publications.
      out.write(withNewline);
      out.flush();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot append to requests.jsonl", e);
    }
  }

  /**
   * The kind of credential in an {@code Authorization} header, so a test can tell which requests
   * were made with what without the log holding any: {@code exchanged} (a short-lived token a
   * sandbox registry minted for trusted publishing), {@code id-token} (a JWT),
   * {@code actions-request-token}, {@code sandbox-token}, {@code read-only-token} or
   * {@code other}; null without one.
   */
  static String credentialKind(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return null;
    }
    String value = authorization.trim();
    int space = value.indexOf(' ');
    String scheme = space < 0 ? "" : value.substring(0, space);
    String token = space < 0 ? value : value.substring(space + 1).trim();
    if (scheme.equalsIgnoreCase("Basic")) {
      try {
        String pair = new String(java.util.Base64.getDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8);
        token = pair.substring(pair.indexOf(':') + 1);
      } catch (IllegalArgumentException notBase64) {
        return "other";
      }
    }
    if (token.contains("fanout-sandbox-oidc-")) {
      return "exchanged";
    }
    if (token.equals(TokenPolicy.ACTIONS_REQUEST_TOKEN)) {
      return "actions-request-token";
    }
    if (token.endsWith(TokenPolicy.SANDBOX_TOKEN)) {
      return "sandbox-token";
    }
    if (token.endsWith(TokenPolicy.READ_ONLY_TOKEN)) {
      return "read-only-token";
    }
    return token.startsWith("eyJ") && token.chars().filter(c -> c == '.').count() == 2 ? "id-token" : "other";
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
