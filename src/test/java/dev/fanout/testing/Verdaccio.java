package dev.fanout.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real npm registry for tests: Verdaccio, installed (pinned) by {@code .ci/install.d/npm.sh},
 * on a free loopback port with its own config, users and storage in a temporary folder that
 * {@link #close()} deletes. Under CI a missing install fails the test; elsewhere it skips.
 */
public final class Verdaccio implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Process process;
  private final String url;

  private Verdaccio(Path dir, Process process, String url) {
    this.dir = dir;
    this.process = process;
    this.url = url;
  }

  public static Verdaccio start() throws IOException, InterruptedException {
    Tools.require("npm", "apt-get install npm");
    Path bin = binary();
    int port = LocalServers.freePort();
    Path dir = Files.createTempDirectory("fanout-verdaccio-");
    // Level http logs one JSON line per request, which is how requests() counts writes.
    Files.writeString(dir.resolve("config.yaml"), """
        storage: ./storage
        auth:
          htpasswd:
            file: ./htpasswd
            max_users: 100
        uplinks: {}
        packages:
          '**':
            access: $all
            publish: $authenticated
            unpublish: $authenticated
        web:
          enable: false
        log: {type: stdout, format: json, level: http}
        """);
    Process process = null;
    try {
      process = LocalServers.start(dir, dir.resolve("verdaccio.log"), List.of(bin.toString(),
          "--config", dir.resolve("config.yaml").toString(), "--listen", "127.0.0.1:" + port));
      Verdaccio verdaccio = new Verdaccio(dir, process, "http://127.0.0.1:" + port);
      LocalServers.awaitUp("Verdaccio", process, verdaccio.url + "/-/ping", dir.resolve("verdaccio.log"),
          Duration.ofSeconds(40));
      return verdaccio;
    } catch (IOException | RuntimeException | Error | InterruptedException e) {
      LocalServers.stop(process);
      LocalServers.deleteTree(dir);
      throw e;
    }
  }

  private static Path binary() {
    String dir = System.getenv().getOrDefault("FANOUT_VERDACCIO_DIR",
        System.getProperty("user.home") + "/.cache/fanout/verdaccio");
    Path bin = Path.of(dir, "node_modules", ".bin", "verdaccio");
    if (!Files.isExecutable(bin)) {
      String message = "Verdaccio is not installed at " + bin + " (run .ci/install.d/npm.sh)";
      if (System.getenv("CI") != null) {
        throw new AssertionError(message);
      }
      assumeTrue(false, message);
    }
    return bin;
  }

  /** The registry's base URL, without a trailing slash. */
  public String url() {
    return url;
  }

  /** Verdaccio's user creation: {@code PUT /-/user/org.couchdb.user:NAME} answers with a token. */
  public String createUser(String name, String password) throws IOException, InterruptedException {
    byte[] body = JSON.writeValueAsBytes(Map.of("name", name, "password", password));
    HttpRequest put = HttpRequest.newBuilder(URI.create(url + "/-/user/org.couchdb.user:" + name))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpResponse<String> r = LocalServers.HTTP.send(put, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new AssertionError("Verdaccio refused to create " + name + " (" + r.statusCode() + "): " + r.body());
    }
    return JSON.readTree(r.body()).path("token").asText();
  }

  /**
   * Every request Verdaccio received, oldest first, from its "requested" log lines. Its
   * answer lines cannot be told apart reliably (each request gets a provisional one and a
   * final one, with no id to pair them), so the status is 0: not known.
   */
  public List<ServerRequest> requests() {
    List<ServerRequest> out = new ArrayList<>();
    for (String line : LocalServers.lines(dir.resolve("verdaccio.log"))) {
      JsonNode entry;
      try {
        entry = JSON.readTree(line);
      } catch (IOException notJson) {
        continue;
      }
      JsonNode request = entry.path("req");
      if (request.isObject() && entry.path("msg").asText().contains(" requested '")) {
        String method = request.path("method").asText();
        out.add(new ServerRequest(method, request.path("url").asText(), 0, ServerRequest.writeMethod(method)));
      }
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    LocalServers.stop(process);
    LocalServers.deleteTree(dir);
  }
}
