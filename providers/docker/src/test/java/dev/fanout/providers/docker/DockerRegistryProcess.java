package dev.fanout.providers.docker;

import dev.fanout.testing.Tools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real registry for tests: Debian's {@code docker-registry} (distribution 2.8), without
 * auth, on a free loopback port with its own storage folder, stopped when the test ends.
 */
final class DockerRegistryProcess implements AutoCloseable {

  private final Process process;
  private final String url;

  private DockerRegistryProcess(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  static DockerRegistryProcess start(Path dir) throws IOException, InterruptedException {
    Path binary = Tools.require("docker-registry", "apt-get install docker-registry");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.createDirectories(dir.resolve("storage"));
    Path config = dir.resolve("config.yml");
    Files.writeString(config, String.join("\n",
        "version: 0.1",
        "log:",
        "  level: error",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + dir.resolve("storage"),
        "  delete:",
        "    enabled: true",
        "http:",
        "  addr: 127.0.0.1:" + port,
        ""));
    Process process = new ProcessBuilder(binary.toString(), "serve", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    DockerRegistryProcess registry = new DockerRegistryProcess(process, "http://127.0.0.1:" + port);
    HttpClient probe = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r = probe.send(HttpRequest.newBuilder(URI.create(registry.url + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return registry;
        }
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          break;
        }
      }
      Thread.sleep(100);
    }
    registry.close();
    throw new IllegalStateException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
  }

  String url() {
    return url;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
