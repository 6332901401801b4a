package dev.fanout.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code DIR/exchanges.jsonl}: whole exchanges (request and response, with their headers and
 * JSON bodies), one line each, for checking them against a registry's own description (the
 * GitHub OpenAPI contract test does). Off unless the file exists when the sandbox starts:
 * bodies are large and most runs do not need them. Credentials are never written: the
 * {@code Authorization} and cookie headers are left out, and query parameters that carry
 * a token are blanked.
 */
final class Exchanges implements AutoCloseable {

  static final String FILE = "exchanges.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> SECRET_HEADERS = Set.of("authorization", "cookie", "set-cookie", "proxy-authorization");
  private final OutputStream out;

  private Exchanges(Path file) throws IOException {
    out = Files.newOutputStream(file, StandardOpenOption.APPEND);
  }

  /** The recorder when {@code DIR/exchanges.jsonl} exists, else null. */
  static Exchanges openIfAsked(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    return Files.isRegularFile(file) ? new Exchanges(file) : null;
  }

  synchronized void record(String registry, SandboxRequest request, SandboxResponse response, String fault) {
    ObjectNode line = JSON.createObjectNode();
    line.put("registry", registry);
    if (fault != null) {
      line.put("fault", fault);
    }
    ObjectNode req = line.putObject("request");
    req.put("method", request.method());
    req.put("path", request.rawPath());
    ObjectNode query = req.putObject("query");
    for (Map.Entry<String, List<String>> p : request.params().entrySet()) {
      boolean secret = p.getKey().toLowerCase(Locale.ROOT).contains("token");
      query.put(p.getKey(), secret ? "***" : p.getValue().get(0));
    }
    ObjectNode reqHeaders = req.putObject("headers");
    request.headers().forEach((name, values) -> {
      if (!SECRET_HEADERS.contains(name) && !values.isEmpty()) {
        reqHeaders.put(name, values.get(0));
      }
    });
    body(req, request.header("content-type"), request.body());
    ObjectNode res = line.putObject("response");
    res.put("status", response.status());
    ObjectNode resHeaders = res.putObject("headers");
    response.headers().forEach((name, value) -> {
      if (!SECRET_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        resHeaders.put(name.toLowerCase(Locale.ROOT), value);
      }
    });
    body(res, response.headers().entrySet().stream()
        .filter(h -> h.getKey().equalsIgnoreCase("content-type")).map(Map.Entry::getValue).findFirst().orElse(null),
        response.body());
    try {
      out.write((JSON.writeValueAsString(line) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + FILE, e);
    }
  }

  /** A JSON body as JSON; any other body only by its length (it may be an artifact of megabytes). */
  private static void body(ObjectNode into, String contentType, byte[] body) {
    into.put("body_bytes", body.length);
    if (body.length == 0 || contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json")) {
      return;
    }
    try {
      JsonNode parsed = JSON.readTree(body);
      into.set("json", parsed);
    } catch (IOException notJson) {
      into.put("json_error", String.valueOf(notJson.getMessage()));
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
