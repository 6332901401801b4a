package dev.fanout.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real container registry for tests: Debian's {@code docker-registry} (distribution 2.8),
 * without auth, on a free loopback port with its storage in a temporary folder that
 * {@link #close()} deletes.
 */
public final class DockerRegistry implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Process process;
  private final String url;

  private DockerRegistry(Path dir, Process process, String url) {
    this.dir = dir;
    this.process = process;
    this.url = url;
  }

  public static DockerRegistry start() throws IOException, InterruptedException {
    Path binary = Tools.require("docker-registry", "apt-get install docker-registry");
    int port = LocalServers.freePort();
    Path dir = Files.createTempDirectory("fanout-docker-registry-");
    Files.createDirectories(dir.resolve("storage"));
    // JSON logs at info: one "response completed" line per request, which requests() reads.
    Files.writeString(dir.resolve("config.yml"), String.join("\n",
        "version: 0.1",
        "log:",
        "  level: info",
        "  formatter: json",
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + dir.resolve("storage"),
        "  delete:",
        "    enabled: true",
        "http:",
        "  addr: 127.0.0.1:" + port,
        ""));
    Process process = null;
    try {
      process = LocalServers.start(dir, dir.resolve("registry.log"),
          List.of(binary.toString(), "serve", dir.resolve("config.yml").toString()));
      DockerRegistry registry = new DockerRegistry(dir, process, "http://127.0.0.1:" + port);
      LocalServers.awaitUp("docker-registry", process, registry.url + "/v2/", dir.resolve("registry.log"),
          Duration.ofSeconds(15));
      return registry;
    } catch (IOException | RuntimeException | Error | InterruptedException e) {
      LocalServers.stop(process);
      LocalServers.deleteTree(dir);
      throw e;
    }
  }

  /** The registry's base URL, such as {@code http://127.0.0.1:41234}. */
  public String url() {
    return url;
  }

  /** {@code host:port}, as skopeo's {@code docker://} references want it. */
  public String hostPort() {
    return url.substring("http://".length());
  }

  /** Every request the registry answered, oldest first. */
  public List<ServerRequest> requests() {
    List<ServerRequest> out = new ArrayList<>();
    for (String line : LocalServers.lines(dir.resolve("registry.log"))) {
      JsonNode entry;
      try {
        entry = JSON.readTree(line);
      } catch (IOException notJson) {
        continue;
      }
      if ("response completed".equals(entry.path("msg").asText())) {
        String method = entry.path("http.request.method").asText();
        out.add(new ServerRequest(method, entry.path("http.request.uri").asText(),
            entry.path("http.response.status").asInt(), ServerRequest.writeMethod(method)));
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
