package dev.fanout.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real git server for tests: bare repositories served over smart HTTP by git's own
 * {@code git http-backend}, run as a CGI program per request behind a small loopback HTTP
 * server (the part a web server plays in front of it). Clones are anonymous; a push needs
 * HTTP Basic auth with the given user and password, as on the AUR. Everything lives in a
 * temporary folder that {@link #close()} deletes.
 */
public final class GitHttpServer implements AutoCloseable {

  private final Path dir;
  private final Path git;
  private final String user;
  private final String password;
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  private final List<ServerRequest> requests = new CopyOnWriteArrayList<>();

  private GitHttpServer(Path dir, Path git, String user, String password) throws IOException {
    this.dir = dir;
    this.git = git;
    this.user = user;
    this.password = password;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(pool);
  }

  public static GitHttpServer start(String user, String password) throws IOException {
    Path git = Tools.require("git", "apt-get install git");
    Path dir = Files.createTempDirectory("fanout-git-http-");
    Files.createDirectories(dir.resolve("repos"));
    GitHttpServer started = new GitHttpServer(dir, git, user, password);
    started.server.start();
    return started;
  }

  /** The base URL; repository NAME is at {@code url()/NAME.git}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Creates an empty bare repository {@code NAME.git} whose HEAD is {@code branch}. */
  public void createRepository(String name, String branch) throws IOException, InterruptedException {
    Tools.Result init = Tools.run(dir, Map.of(), git.toString(), "init", "-q", "--bare",
        "--initial-branch=" + branch, repository(name).toString());
    if (init.exit() != 0) {
      throw new AssertionError("git init failed: " + init.output());
    }
  }

  /** The bare repository {@code NAME.git} on disk. */
  public Path repository(String name) {
    return dir.resolve("repos").resolve(name + ".git");
  }

  /** Every request answered, oldest first; a push (POST to git-receive-pack) is the only write. */
  public List<ServerRequest> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      boolean push = path.endsWith("/git-receive-pack") || "service=git-receive-pack".equals(query);
      String remoteUser = authorized(exchange.getRequestHeaders().getFirst("Authorization")) ? user : null;
      if (push && remoteUser == null) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"git\"");
        respond(exchange, path, 401, new byte[0]);
        return;
      }
      byte[] body = exchange.getRequestBody().readAllBytes();
      Cgi answer = backend(exchange, path, query, remoteUser, body);
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      respond(exchange, path, answer.status(), answer.body());
    }
  }

  private void respond(HttpExchange exchange, String path, int status, byte[] body) throws IOException {
    String method = exchange.getRequestMethod();
    requests.add(new ServerRequest(method, path, status, method.equals("POST") && path.endsWith("/git-receive-pack")));
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return false;
    }
    String given = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    return given.equals(user + ":" + password);
  }

  /** A CGI answer: the Status header taken apart from the others. */
  private record Cgi(int status, Map<String, String> headers, byte[] body) { }

  private Cgi backend(HttpExchange exchange, String path, String query, String remoteUser, byte[] body)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(git.toString(), "http-backend")
        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("http-backend.log").toFile()));
    Map<String, String> env = pb.environment();
    env.put("GIT_PROJECT_ROOT", dir.resolve("repos").toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("GATEWAY_INTERFACE", "CGI/1.1");
    env.put("REQUEST_METHOD", exchange.getRequestMethod());
    env.put("PATH_INFO", path);
    env.put("QUERY_STRING", query == null ? "" : query);
    env.put("CONTENT_LENGTH", Integer.toString(body.length));
    env.put("REMOTE_ADDR", exchange.getRemoteAddress().getAddress().getHostAddress());
    putIfPresent(env, "CONTENT_TYPE", exchange.getRequestHeaders().getFirst("Content-Type"));
    putIfPresent(env, "HTTP_CONTENT_ENCODING", exchange.getRequestHeaders().getFirst("Content-Encoding"));
    putIfPresent(env, "GIT_PROTOCOL", exchange.getRequestHeaders().getFirst("Git-Protocol"));
    putIfPresent(env, "REMOTE_USER", remoteUser);
    Process p = pb.start();
    // Fed from another thread: the backend may answer before it has read all of its input.
    Thread feeder = new Thread(() -> {
      try (OutputStream in = p.getOutputStream()) {
        in.write(body);
      } catch (IOException closedEarly) {
        // the backend stopped reading: its answer says why
      }
    });
    feeder.start();
    byte[] out;
    try (InputStream stdout = p.getInputStream()) {
      out = stdout.readAllBytes();
    }
    try {
      feeder.join(TimeUnit.SECONDS.toMillis(30));
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while git http-backend ran", e);
    }
    return parse(out);
  }

  private static void putIfPresent(Map<String, String> env, String name, String value) {
    if (value != null) {
      env.put(name, value);
    }
  }

  private static Cgi parse(byte[] out) {
    int end = -1;
    int skip = 0;
    for (int i = 0; i + 1 < out.length; i++) {
      if (out[i] == '\n' && out[i + 1] == '\n') {
        end = i;
        skip = 2;
        break;
      }
      if (i + 3 < out.length && out[i] == '\r' && out[i + 1] == '\n' && out[i + 2] == '\r' && out[i + 3] == '\n') {
        end = i;
        skip = 4;
        break;
      }
    }
    if (end < 0) {
      return new Cgi(502, Map.of(), "git http-backend gave no CGI headers".getBytes(StandardCharsets.UTF_8));
    }
    int status = 200;
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    for (String line : new String(out, 0, end, StandardCharsets.ISO_8859_1).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.split(" ")[0]);
      } else {
        headers.put(name, value);
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(out, end + skip, out.length - end - skip);
    return new Cgi(status, headers, body.toByteArray());
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    LocalServers.deleteTree(dir);
  }
}
