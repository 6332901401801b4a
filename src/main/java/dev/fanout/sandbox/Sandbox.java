package dev.fanout.sandbox;

import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import okio.Buffer;

/**
 * The sandbox host: every {@link Emulator} on its own loopback server, with one request log
 * and one fault file for all of them. State lives in the sandbox directory, so a restart
 * sees what was published before.
 */
public final class Sandbox implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Map<String, Running> running = new java.util.concurrent.ConcurrentSkipListMap<>();
  private final RequestLog log;
  private final Faults faults;
  /** Whole exchanges, when the folder asks for them; see {@link Exchanges}. */
  private final Exchanges exchanges;
  private Scenario scenario;

  private record Running(Emulator emulator, MockWebServer server, String baseUrl, CompletableFuture<Void> ready) { }

  /**
   * One host per sandbox folder at a time. Every emulator keeps its registry in memory and
   * writes it through to the folder, so two hosts over one folder (two applies started
   * together, in one JVM or two) each answered from a stale copy: with --lock-timeout the
   * second apply published every target again, and each host overwrote the other's files.
   * A second host waits for the first to close (an OS file lock, freed even by kill -9).
   */
  private static final Map<Path, java.util.concurrent.Semaphore> HOSTS = new java.util.concurrent.ConcurrentHashMap<>();
  private static final long CLAIM_TIMEOUT_MS = 5 * 60_000;
  private java.util.concurrent.Semaphore claimedHere;
  private Map<String, String> attached;
  private java.nio.channels.FileChannel claimChannel;

  private Sandbox(Path dir) throws IOException {
    this.dir = dir;
    this.log = new RequestLog(dir.resolve("requests.jsonl"));
    this.faults = new Faults(dir.resolve("faults.json"));
    this.exchanges = Exchanges.openIfAsked(dir);
  }

  /** Starts every emulator found on the class path, seeded by {@code scenario} on first use. */
  public static Sandbox start(Path dir, String scenario) throws IOException {
    return start(dir, scenario, ServiceLoader.load(Emulator.class).stream()
        .map(ServiceLoader.Provider::get).toList());
  }

  /** Starts the given emulators; tests use this to run one registry alone. */
  public static Sandbox start(Path dir, String scenario, List<Emulator> emulators) throws IOException {
    Sandbox sandbox = bind(dir, scenario, emulators);
    sandbox.awaitReady();
    return sandbox;
  }

  /**
   * Opens every emulator's port, so {@link #urls()} is known, and starts the emulators behind
   * them in the background: a run loads its release files meanwhile (both take a good part of
   * a second on a cold JVM) and calls {@link #awaitReady()} before its first request. A request
   * that comes earlier waits for its emulator.
   */
  public static Sandbox bind(Path dir, String scenario) throws IOException {
    return bind(dir, scenario, ServiceLoader.load(Emulator.class).stream()
        .map(ServiceLoader.Provider::get).toList());
  }

  /** As {@link #bind(Path, String)}, for the given emulators. */
  public static Sandbox bind(Path dir, String scenario, List<Emulator> emulators) throws IOException {
    Files.createDirectories(dir);
    Scenario chosen = Scenario.load(madeWith(dir, scenario));
    Map<String, String> served = servedByAnotherProcess(dir);
    Sandbox sandbox = new Sandbox(dir);
    sandbox.scenario = chosen;
    if (served != null) {
      sandbox.attached = served;
      return sandbox;
    }
    try {
      sandbox.claim();
      Map<String, Integer> ports = sandbox.ports();
      for (Emulator emulator : emulators) {
        sandbox.bindOne(emulator, ports.getOrDefault(emulator.registry(), 0));
      }
      sandbox.savePorts();
      // Started side by side: most of a cold start is loading each emulator's classes
      // (JGit, the XML and YAML mappers), and those load in parallel.
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "fanout-sandbox-start");
        t.setDaemon(true);
        return t;
      });
      try {
        for (Running r : sandbox.running.values()) {
          pool.execute(() -> {
            try {
              sandbox.startOne(r, chosen);
              r.ready().complete(null);
            } catch (IOException | RuntimeException | Error e) {
              r.ready().completeExceptionally(e);
            }
          });
        }
      } finally {
        pool.shutdown();
      }
    } catch (IOException | RuntimeException e) {
      sandbox.close();
      throw e;
    }
    return sandbox;
  }

  /** Waits until every emulator has started; the first one's failure closes the sandbox and is thrown. */
  public void awaitReady() throws IOException {
    try {
      for (Running r : running.values()) {
        try {
          r.ready().get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof IOException io) {
            throw io;
          }
          throw new IllegalStateException("an emulator failed to start", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while starting the sandbox", e);
        }
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The scenario of a folder seeded before, when this run names only the default one: its
   * settings (who the Actions job is, which trusted publishers the registries know) belong to
   * the registries' state, so a plan with {@code --scenario} and the apply after it agree.
   */
  private static String madeWith(Path dir, String asked) {
    Path seeded = dir.resolve(".seeded");
    if (!asked.equals("empty") || !Files.isRegularFile(seeded)) {
      return asked;
    }
    try {
      String name = Files.readString(seeded).strip();
      return name.matches("[a-z0-9-]+") && Sandbox.class.getResource("/sandbox/scenarios/" + name + ".json") != null
          ? name : asked;
    } catch (IOException unreadable) {
      return asked;
    }
  }

  /**
   * The URLs of a {@code fanout sandbox serve} that serves this folder from another process,
   * else null. A plan or apply then uses those registries instead of starting its own
   * (which would wait for the folder): that is how the crash drill kills an apply without
   * killing the registries it talks to.
   */
  private static Map<String, String> servedByAnotherProcess(Path dir) throws IOException {
    Path serving = dir.resolve("serving.json");
    if (!Files.isRegularFile(serving) || HOSTS.containsKey(dir.toAbsolutePath().normalize())
        && HOSTS.get(dir.toAbsolutePath().normalize()).availablePermits() == 0) {
      return null;
    }
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve("host.lock"),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.channels.FileLock free = ch.tryLock();
      if (free != null) {
        free.release();
        return null;   // left by a server that is gone
      }
    } catch (java.nio.channels.OverlappingFileLockException sameJvm) {
      return null;
    }
    try {
      return JSON.readValue(serving.toFile(), new TypeReference<Map<String, String>>() { });
    } catch (IOException unreadable) {
      return null;
    }
  }

  /** Marks this host as the folder's server for other processes; see {@link #servedByAnotherProcess}. */
  public void announce() throws IOException {
    Path tmp = dir.resolve("serving.json.tmp");
    Files.writeString(tmp, JSON.writeValueAsString(urls()));
    Files.move(tmp, dir.resolve("serving.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Waits until no other host serves this folder; see {@link #HOSTS}. */
  private void claim() throws IOException {
    long deadline = System.currentTimeMillis() + CLAIM_TIMEOUT_MS;
    java.util.concurrent.Semaphore local = HOSTS.computeIfAbsent(dir.toAbsolutePath().normalize(),
        k -> new java.util.concurrent.Semaphore(1));
    try {
      if (!local.tryAcquire(CLAIM_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        throw new IOException(busy());
      }
      claimedHere = local;
      claimChannel = java.nio.channels.FileChannel.open(dir.resolve("host.lock"),
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
      while (claimChannel.tryLock() == null) {
        if (System.currentTimeMillis() > deadline) {
          throw new IOException(busy());
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for the sandbox in " + dir);
    }
  }

  private String busy() {
    return "the sandbox in " + dir + " has been in use by another fanout run for " + CLAIM_TIMEOUT_MS / 60_000
        + " minutes; wait for it to end, or give this run its own folder with --sandbox=DIR";
  }

  /**
   * The ports of the last run in this folder. Registries store their own URLs (npm tarball
   * links, manifest URLs), so a restarted sandbox answers on the same ports when it can.
   */
  private Map<String, Integer> ports() {
    Path file = dir.resolve("ports.json");
    if (!Files.isRegularFile(file)) {
      return Map.of();
    }
    try {
      return JSON.readValue(file.toFile(), new TypeReference<Map<String, Integer>>() { });
    } catch (IOException e) {
      return Map.of();
    }
  }

  private void savePorts() throws IOException {
    Map<String, Integer> ports = new TreeMap<>();
    running.forEach((name, r) -> ports.put(name, r.server().getPort()));
    Files.writeString(dir.resolve("ports.json"), JSON.writeValueAsString(ports));
  }

  private void bindOne(Emulator emulator, int port) throws IOException {
    MockWebServer server = new MockWebServer();
    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    try {
      server.start(InetAddress.getLoopbackAddress(), port);
    } catch (java.net.BindException taken) {
      // Someone else has the old port now: take any, and the registry's stored URLs move with it.
      server = new MockWebServer();
      server.setServerSocketFactory(new NoDelayServerSocketFactory());
      server.start(InetAddress.getLoopbackAddress(), 0);
    }
    Running r = new Running(emulator, server, "http://127.0.0.1:" + server.getPort(), new CompletableFuture<>());
    server.setDispatcher(dispatcherFor(r));
    running.put(emulator.registry(), r);
  }

  private void startOne(Running r, Scenario scenario) throws IOException {
    Emulator emulator = r.emulator();
    Path state = dir.resolve(emulator.registry());
    Files.createDirectories(state);
    // Every port is open before any emulator starts, so each can name the others' URLs.
    emulator.start(new EmulatorContext(emulator.registry(), state, r.baseUrl(), scenario.tokens(),
        () -> faults.visibilityDelay(emulator.registry()), scenario.settings(emulator.registry()),
        other -> urls().get(other)));
  }

  private Dispatcher dispatcherFor(Running r) {
    Emulator emulator = r.emulator();
    MockWebServer server = r.server();
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        try {
          // A request that comes while the emulator is still starting waits for it.
          r.ready().join();
          return serve(emulator, request);
        } finally {
          // The server also queues every request for tests that take them; nobody does here.
          try {
            server.takeRequest(0, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
  }

  private MockResponse serve(Emulator emulator, RecordedRequest recorded) {
    long started = System.nanoTime();
    SandboxRequest request = toRequest(recorded);
    boolean write = emulator.isWrite(request);
    Faults.Effect effect = faults.match(emulator.registry(), write, request.path());
    if (effect.latencyMs() > 0) {
      sleep(effect.latencyMs());
    }
    SandboxResponse response;
    MockResponse.Builder out = new MockResponse.Builder();
    if ("before".equals(effect.drop())) {
      log.record(emulator.registry(), request.method(), request.rawPath(), 0, write, millis(started), effect.description());
      // The dispatcher runs after the request was read, so an onRequestStart effect never fires
      // and the client got an empty 200 (a lost write looked like a success). Closing the
      // connection instead of answering is what the client sees of a reset before the response.
      return out.onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build();
    }
    if (effect.status() != null) {
      Map<String, Object> error = Map.of("errors", List.of(Map.of("code", "SANDBOX_FAULT",
          "message", effect.body() != null ? effect.body() : "fault injected by faults.json")));
      response = SandboxResponse.json(effect.status(), error);
      if (effect.body() != null) {
        response = effect.contentType() != null
            ? SandboxResponse.bytes(effect.status(), effect.contentType(), effect.body().getBytes(StandardCharsets.UTF_8))
            : effect.body().trim().startsWith("{")
            ? SandboxResponse.bytes(effect.status(), "application/json; charset=utf-8", effect.body().getBytes(StandardCharsets.UTF_8))
            : SandboxResponse.text(effect.status(), effect.body());
      }
      if (effect.retryAfter() != null) {
        response = response.withHeader("Retry-After", String.valueOf(effect.retryAfter()));
      }
      for (Map.Entry<String, String> h : effect.headers().entrySet()) {
        response = response.withHeader(h.getKey(), h.getValue());
      }
    } else if (effect.redirectTo() != null) {
      response = SandboxResponse.empty(307)
          .withHeader("Location", effect.redirectTo() + request.rawPath()
              + (request.query().isEmpty() ? "" : "?" + request.query()));
    } else {
      try {
        response = emulator.handle(request);
      } catch (IOException | RuntimeException e) {
        response = SandboxResponse.json(500, Map.of("errors", List.of(Map.of(
            "code", "SANDBOX_ERROR", "message", emulator.registry() + " emulator failed: " + e))));
      }
    }
    if (effect.malformed()) {
      response = new SandboxResponse(response.status(), response.reason(), response.headers(),
          "{\"truncated\": [1, 2,".getBytes(StandardCharsets.UTF_8));
    }
    log.record(emulator.registry(), request.method(), request.rawPath(), response.status(), write,
        millis(started), effect.description(), RequestLog.credentialKind(request.header("authorization")));
    if (exchanges != null) {
      exchanges.record(emulator.registry(), request, response, effect.description());
    }
    out.code(response.status());
    if (response.reason() != null) {
      out.status("HTTP/1.1 " + response.status() + " " + response.reason());
    }
    Headers.Builder headers = new Headers.Builder();
    response.headers().forEach(headers::add);
    out.headers(headers.build());
    if (!request.method().equals("HEAD")) {
      out.body(new Buffer().write(response.body()));
    } else if (!response.headers().containsKey("Content-Length")) {
      out.setHeader("Content-Length", String.valueOf(response.body().length));
    }
    if (effect.slowBodyBps() != null) {
      out.throttleBody(Math.max(1, effect.slowBodyBps()), 1, TimeUnit.SECONDS);
    }
    if ("after".equals(effect.drop())) {
      out.onResponseStart(SocketEffect.ShutdownConnection.INSTANCE);
    }
    return out.build();
  }

  private static SandboxRequest toRequest(RecordedRequest recorded) {
    String target = recorded.getTarget();
    int q = target.indexOf('?');
    String rawPath = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q + 1);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : recorded.getHeaders().names()) {
      headers.put(name.toLowerCase(Locale.ROOT), recorded.getHeaders().values(name));
    }
    byte[] body = recorded.getBody() == null ? new byte[0] : recorded.getBody().toByteArray();
    return new SandboxRequest(recorded.getMethod(), SandboxRequest.decodePath(rawPath), rawPath,
        query, headers, body);
  }

  /** Registry name to base URL, plus the extra URLs each emulator names ({@code npm.git}...). */
  public Map<String, String> urls() {
    if (attached != null) {
      return new TreeMap<>(attached);
    }
    Map<String, String> urls = new TreeMap<>();
    running.forEach((name, r) -> {
      urls.put(name, r.baseUrl());
      r.emulator().extraUrls(r.baseUrl()).forEach((k, v) -> urls.put(name + "." + k, v));
    });
    return urls;
  }

  /** The base URL of one registry's emulator. */
  public String url(String registry) {
    if (attached != null && attached.containsKey(registry)) {
      return attached.get(registry);
    }
    Running r = running.get(registry);
    if (r == null) {
      throw new IllegalArgumentException("no emulator for registry '" + registry + "'; running: " + running.keySet());
    }
    return r.baseUrl();
  }

  public Path dir() {
    return dir;
  }

  /**
   * What {@code --sandbox} sets as the run's ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN: the
   * sandbox's Actions issuer, so trusted publishing works as in a CI job; null without one.
   */
  public dev.fanout.provider.ActionsIdTokens actionsIdTokens() {
    String issuer = urls().get("actions");
    return issuer == null ? null : new dev.fanout.provider.ActionsIdTokens(issuer + "/_apis/idtoken?api-version=2.0",
        new dev.fanout.model.Secret("the sandbox's ACTIONS_ID_TOKEN_REQUEST_TOKEN", TokenPolicy.ACTIONS_REQUEST_TOKEN), true);
  }

  /**
   * The seeding steps of the scenario when this folder has not been seeded yet, else an
   * empty list. Each step is {@code {version, targets}}: apply those targets of the bundled
   * example at that version. The caller runs them (seeding needs the whole engine) and then
   * calls {@link #markSeeded()}.
   */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> pendingSeed() {
    if (attached != null || Files.exists(dir.resolve(".seeded"))) {
      return List.of();
    }
    Object seed = scenario.spec().get("seed");
    return seed instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  /** The longest {@link Emulator#readLag()} of this sandbox's registries. */
  public java.time.Duration readLag() {
    return running.values().stream().map(r -> r.emulator().readLag()).max(java.util.Comparator.naturalOrder())
        .orElse(java.time.Duration.ZERO);
  }

  public void markSeeded() throws IOException {
    Files.writeString(dir.resolve(".seeded"), scenario.name() + "\n");
  }

  public String scenarioName() {
    return scenario.name();
  }

  @Override
  public void close() throws IOException {
    try {
      for (Running r : running.values()) {
        // An emulator still starting (a run that stopped at a mistake in its release files)
        // finishes first, so nothing writes to the folder after close.
        try {
          r.ready().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          // Its failure was or will be reported by awaitReady; closing goes on.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      for (Running r : running.values()) {
        r.server().close();
      }
      log.close();
      if (exchanges != null) {
        exchanges.close();
      }
    } finally {
      if (claimChannel != null) {
        Files.deleteIfExists(dir.resolve("serving.json"));
        claimChannel.close();   // frees the file lock
        claimChannel = null;
      }
      if (claimedHere != null) {
        claimedHere.release();
        claimedHere = null;
      }
    }
  }

  private static long millis(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A scenario, read from {@code /sandbox/scenarios/NAME.json}: which credentials are read-only,
   * and each emulator's settings ({@code "settings": {"github": {"fork_ready_ms": 2000}}}).
   */
  record Scenario(String name, TokenPolicy tokens, Map<String, Object> spec) {
    @SuppressWarnings("unchecked")
    Map<String, Object> settings(String registry) {
      if (spec.get("settings") instanceof Map<?, ?> all && all.get(registry) instanceof Map<?, ?> one) {
        return (Map<String, Object>) one;
      }
      return Map.of();
    }

    static Scenario load(String name) throws IOException {
      String resource = "/sandbox/scenarios/" + name + ".json";
      try (InputStream in = Sandbox.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalArgumentException("unknown sandbox scenario '" + name + "'");
        }
        Map<String, Object> spec = JSON.readValue(in, new TypeReference<Map<String, Object>>() { });
        return new Scenario(name, TokenPolicy.fromScenario(spec), spec);
      }
    }
  }
}
