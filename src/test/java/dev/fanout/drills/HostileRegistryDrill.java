package dev.fanout.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fanout.testing.HostileServer;
import dev.fanout.testing.HostileServer.Answer;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One registry turns hostile while the other thirteen are fine: a malicious npm registry on
 * loopback (kept real with {@code --sandbox-except npm}, so it receives the real token) that
 * echoes the token back in every encoding with escape sequences and Markdown around it, sends
 * without end, trickles, sends a decompression bomb, or answers 200 with a login page. Each
 * time only the npm target fails or is unknown; every other target is published, the journal
 * and the report are complete, nothing holds the token in any form, and nothing the registry
 * said rewrites the terminal or the report.
 */
class HostileRegistryDrill {

  /** A canary with the characters encodings change: + / = and a quote. */
  static final String CANARY = "npm_CANARY+f0e/1d2c=3b4a\"5968-77token";

  @TempDir
  Path tmp;

  private final List<Map<String, Object>> table = new ArrayList<>();

  @Test
  void oneHostileRegistryFailsOnlyItsOwnTarget() throws Exception {
    Map<String, Function<HostileServer.Seen, Answer>> scenarios = new LinkedHashMap<>();
    scenarios.put("echoes the token, escapes and Markdown", HostileRegistryDrill::echo);
    scenarios.put("endless body", readsOr(HostileRegistryDrill::endless));
    scenarios.put("trickle, 1 byte a second", readsOr(HostileRegistryDrill::trickle));
    scenarios.put("gzip bomb (64 KiB to 64 MiB)", readsOr(bomb()));
    scenarios.put("200 with an HTML login page", readsOr(s -> Answer.of(200, "text/html",
        "<html><body><form action=/login>Sign in</form></body></html>")));
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Function<HostileServer.Seen, Answer>> s : scenarios.entrySet()) {
      problems.addAll(run(s.getKey(), s.getValue()));
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("scenarios", scenarios.size());
    figures.put("problems", problems.size());
    figures.put("table", table);
    Drills.saveFigures("hostile-registry", figures);
    assertEquals(List.of(), problems);
  }

  @Test
  void anEchoingRegistryNeverGetsTheTokenIntoAnyOutput() throws Exception {
    Path example = Drills.example(tmp);
    Path sandbox = tmp.resolve("sandbox");
    Path plan = tmp.resolve("release.plan");
    List<String> hits = new ArrayList<>();
    try (HostileServer npm = new HostileServer(HostileRegistryDrill::echo)) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("NPM_TOKEN", CANARY);
      env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      List<String> real = List.of("--sandbox=" + sandbox, "--sandbox-except", "npm", "--var", "npm_registry=" + npm.url());
      List<Drills.Run> runs = new ArrayList<>();
      runs.add(cli(env, real, "plan", example.toString(), "--out", plan.toString(), "--debug"));
      runs.add(Drills.cli(env, "show", plan.toString()));
      runs.add(Drills.cli(env, "show", plan.toString(), "--json"));
      runs.add(cli(env, real, "apply", plan.toString(), "--debug", "--json", "--report", tmp.resolve("r.json").toString()));
      runs.add(cli(env, real, "apply", example.toString(), "--auto-approve", "--debug", "--report",
          tmp.resolve("r.md").toString()));
      runs.add(cli(env, real, "drift", example.toString(), "--debug", "--json", "--report", tmp.resolve("d.md").toString()));
      runs.add(cli(env, real, "plan", example.toString(), "--json"));
      for (int i = 0; i < runs.size(); i++) {
        scan("run " + (i + 1) + " stdout", runs.get(i).out(), hits);
        scan("run " + (i + 1) + " stderr", runs.get(i).err(), hits);
      }
      if (npm.seen().stream().noneMatch(r -> r.headers().getOrDefault("authorization", "").contains(CANARY))) {
        hits.add("the registry never received the token, so nothing was echoed: the drill proves nothing");
      }
    }
    int files = 0;
    try (Stream<Path> all = Files.walk(tmp)) {
      for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        files++;
        scan(tmp.relativize(f).toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1), hits);
      }
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("token_forms_checked", forms(CANARY).size() + 1);
    figures.put("files_scanned", files);
    figures.put("secret_hits", hits.size());
    Drills.saveFigures("echoing-registry", figures);
    assertEquals(List.of(), hits);
  }

  @Test
  void aTarballOnAnotherHostGetsNoCredential() throws Exception {
    Path example = Drills.example(tmp);
    try (HostileServer mirror = new HostileServer(s -> Answer.of(404, "text/plain", "not here"))) {
      // The registry's packument names the mirror for the tarball, as an npm mirror or uplink may.
      HostileServer registry = new HostileServer(readsOr(s -> Answer.of(200, "application/json",
          "{\"name\":\"contextlite\",\"dist-tags\":{\"latest\":\"1.0.35\"},\"versions\":{\"1.0.35\":{\"dist\":"
              + "{\"integrity\":\"sha512-x\",\"tarball\":\"" + mirror.url() + "/contextlite-1.0.35.tgz\"}}}}")));
      try (registry) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NPM_TOKEN", CANARY);
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Drills.cli(env, "drift", example.toString(), "--sandbox=" + tmp.resolve("sandbox"), "--sandbox-except", "npm",
            "--var", "npm_registry=" + registry.url(), "--no-color");
        List<String> problems = new ArrayList<>();
        if (registry.seen().stream().noneMatch(r -> r.headers().containsKey("authorization"))) {
          problems.add("the registry itself never got the token");
        }
        if (mirror.seen().isEmpty()) {
          problems.add("drift never fetched the tarball from the mirror");
        }
        mirror.seen().stream().filter(r -> r.headers().containsKey("authorization"))
            .forEach(r -> problems.add("the mirror got a credential with " + r.method() + " " + r.path()));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("mirror_requests", mirror.seen().size());
        figures.put("mirror_requests_with_credentials", mirror.seen().stream()
            .filter(r -> r.headers().containsKey("authorization")).count());
        Drills.saveFigures("credential-origin", figures);
        assertEquals(List.of(), problems);
      }
    }
  }

  private static Drills.Run cli(Map<String, String> env, List<String> options, String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(args));
    all.addAll(options);
    all.add("--no-color");
    return Drills.cli(env, all.toArray(String[]::new));
  }

  private List<String> run(String name, Function<HostileServer.Seen, Answer> behaviour) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("s" + table.size()));
    Path example = Drills.example(dir);
    Path report = dir.resolve("report.md");
    List<String> problems = new ArrayList<>();
    try (HostileServer npm = new HostileServer(behaviour)) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("NPM_TOKEN", CANARY);
      env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      long t0 = System.nanoTime();
      System.gc();
      HeapPeak heap = new HeapPeak();
      Drills.Run run;
      try (heap) {
        run = Drills.cli(env, "apply", example.toString(), "--sandbox=" + dir.resolve("sandbox"),
            "--sandbox-except", "npm", "--var", "npm_registry=" + npm.url(), "--auto-approve", "--no-color",
            "--http-timeout", "2s", "--report", report.toString());
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      String journal = Files.readString(example.resolve(".fanout/journal.jsonl"));
      String md = Files.exists(report) ? Files.readString(report) : "";
      long published = run.out().lines().filter(l -> l.matches("\\s+\\S+\\.\\S+\\s+published\\s.*")).count();
      long writes = npm.seen().stream().filter(r -> r.method().equals("PUT")).count();
      String npmLine = run.out().lines().filter(l -> l.trim().startsWith("npm.contextlite ")).reduce((a, b) -> b).orElse("");
      if (run.code() != 1) {
        problems.add(name + ": exit " + run.code() + ", not 1");
      }
      if (published != 13) {
        problems.add(name + ": " + published + " targets published, not the 13 besides npm: "
            + run.out().lines().filter(l -> l.matches("\\s+\\S+\\.\\S+\\s+(failed|blocked|drift)\\s.*")).toList());
      }
      if (!journal.contains("\"event\":\"apply_end\"") || !md.contains("| `npm.contextlite` |")) {
        problems.add(name + ": the journal or the report is incomplete");
      }
      if (writes > 0) {
        problems.add(name + ": " + writes + " writes sent to the hostile registry");
      }
      if (run.all().indexOf('\u001b') >= 0 || run.all().indexOf('\r') >= 0) {
        problems.add(name + ": an escape sequence or carriage return reached the terminal");
      }
      if (md.lines().anyMatch(l -> l.startsWith("## All")) || md.contains("<img")) {
        problems.add(name + ": the registry's Markdown or HTML reached report.md raw");
      }
      List<String> hits = new ArrayList<>();
      scan("stdout", run.out(), hits);
      scan("stderr", run.err(), hits);
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          scan(dir.relativize(f).toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1), hits);
        }
      }
      problems.addAll(hits.stream().map(h -> name + ": " + h).toList());
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("hostile npm registry", name);
      row.put("npm target", npmLine.trim().replaceAll("\\s+", " ").replaceAll("^npm.contextlite ", ""));
      row.put("others published", published + " of 13");
      row.put("writes to it", writes);
      row.put("token hits", hits.size());
      row.put("exit", run.code());
      row.put("wall ms", ms);
      row.put("heap peak MiB", heap.peak() >> 20);
      table.add(row);
    }
    return problems;
  }

  /** The most heap in use while a run goes on (the whole test JVM: an upper bound for the run). */
  private static final class HeapPeak implements AutoCloseable {
    private final java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
    private final Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        Runtime r = Runtime.getRuntime();
        peak.accumulateAndGet(r.totalMemory() - r.freeMemory(), Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });

    HeapPeak() {
      sampler.setDaemon(true);
      sampler.start();
    }

    long peak() {
      return peak.get();
    }

    @Override
    public void close() {
      sampler.interrupt();
    }
  }

  /** Every form the token may take: as is, base64 (alone and as user:token), base64url, URL-encoded, JSON-escaped. */
  static List<String> forms(String secret) {
    byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
    return List.of(secret, Base64.getEncoder().encodeToString(raw), Base64.getUrlEncoder().withoutPadding().encodeToString(raw),
        Base64.getEncoder().encodeToString(("__token__:" + secret).getBytes(StandardCharsets.UTF_8)),
        URLEncoder.encode(secret, StandardCharsets.UTF_8), secret.replace("\"", "\\\"").replace("/", "\\/"),
        secret.substring(8, 24));
  }

  private static void scan(String where, String text, List<String> hits) {
    List<String> all = new ArrayList<>(forms(CANARY));
    all.add(CANARY.substring(0, 10) + "\\n" + CANARY.substring(10));
    for (String form : all) {
      if (text.contains(form)) {
        hits.add("the token (as " + form + ") in " + where);
      }
    }
  }

  /** Credentials pass (so the reads are what fails); the packument read gets the hostile answer. */
  private static Function<HostileServer.Seen, Answer> readsOr(Function<HostileServer.Seen, Answer> packument) {
    return s -> s.path().startsWith("/-/whoami") ? Answer.of(200, "application/json", "{\"username\":\"canary\"}")
        : s.path().startsWith("/-/npm/v1/tokens") ? Answer.of(200, "application/json", "{\"objects\":[]}")
        : packument.apply(s);
  }

  /** Echoes the Authorization header in every encoding, with a forged plan line, escapes and Markdown. */
  private static Answer echo(HostileServer.Seen s) {
    String auth = s.headers().getOrDefault("authorization", "");
    String token = auth.replaceFirst("^Bearer ", "");
    StringBuilder body = new StringBuilder("{\"error\":\"denied ");
    for (String form : forms(token)) {
      body.append(form.replace("\\", "\\\\").replace("\"", "\\\"")).append(' ');
    }
    body.append(token, 0, Math.min(10, token.length())).append("\\n").append(token.substring(Math.min(10, token.length())));
    body.append("\\r\\n  = npm.contextlite 1.0.35 already on npm\\u001b]0;owned\\u0007\\u001b[2K")
        .append("\\n## All 14 targets published (100%)\\n<img src=x onerror=alert(1)>\"}");
    return Answer.of(s.method().equals("GET") ? 401 : 500, "application/json", body.toString());
  }

  private static Answer endless(HostileServer.Seen s) {
    byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    return new Answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", out -> {
      out.write("d\r\n{\"name\":\"x\",\"\r\n".getBytes(StandardCharsets.ISO_8859_1));
      // Bounded all the same: 8 GiB, or until the client hangs up.
      for (long sent = 0; sent < 8L << 30; sent += chunk.length) {
        out.write(chunk);
      }
    });
  }

  private static Answer trickle(HostileServer.Seen s) {
    return new Answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000", out -> {
      for (int i = 0; i < 120; i++) {
        out.write(i == 0 ? '{' : ' ');
        out.flush();
        Thread.sleep(1000);
      }
    });
  }

  private static Function<HostileServer.Seen, Answer> bomb() throws Exception {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      byte[] spaces = new byte[1 << 20];
      java.util.Arrays.fill(spaces, (byte) ' ');
      for (int i = 0; i < 64; i++) {
        gz.write(spaces);
      }
    }
    byte[] bomb = zipped.toByteArray();
    return s -> new Answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        + "Content-Length: " + bomb.length, out -> out.write(bomb));
  }
}
