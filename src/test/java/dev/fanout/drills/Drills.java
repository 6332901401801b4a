package dev.fanout.drills;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fanout.cli.Main;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What every drill shares: a fresh copy of the contextlite example per run, the real CLI
 * driven in-process, the sandbox's request log and the journal read back, and the drill's
 * figures saved for {@code docs/reliability.md}.
 */
final class Drills {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Drills() {
  }

  /** {@code -Dfanout.drills=full} runs the long drills; anything else (CI) the short ones. */
  static boolean full() {
    return "full".equals(System.getProperty("fanout.drills", "short"));
  }

  static String mode() {
    return full() ? "full" : "short";
  }

  static Path repo() {
    return Path.of(System.getProperty("fanout.repo", ".")).toAbsolutePath().normalize();
  }

  /** Copies examples/contextlite into {@code into}/contextlite, without any earlier run's state. */
  static Path example(Path into) throws IOException {
    return example(into, "contextlite");
  }

  /** Copies examples/{@code name} into {@code into}/{@code name}, without any earlier run's state. */
  static Path example(Path into, String name) throws IOException {
    Path from = repo().resolve("examples").resolve(name);
    Path to = into.resolve(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path rel = from.relativize(f);
        if (rel.toString().startsWith(".fanout")) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
          target.toFile().setExecutable(f.toFile().canExecute());
        }
      }
    }
    return to;
  }

  /** One run of the CLI: exit code and both streams. */
  record Run(int code, String out, String err) {
    String all() {
      return out + "\n" + err;
    }
  }

  static Run cli(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(out, err, env, false, new BufferedReader(new StringReader("")), args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static void writeFaults(Path sandbox, List<Map<String, Object>> rules) throws IOException {
    Files.createDirectories(sandbox);
    Path tmp = sandbox.resolve("faults.json.tmp");
    Files.writeString(tmp, JSON.writeValueAsString(rules));
    // Atomic, so a request never reads half a rule list.
    Files.move(tmp, sandbox.resolve("faults.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static void clearFaults(Path sandbox) throws IOException {
    Files.deleteIfExists(sandbox.resolve("faults.json"));
  }

  static List<Map<String, Object>> jsonLines(Path file) {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    List<Map<String, Object>> lines = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          lines.add(JSON.readValue(line, new TypeReference<Map<String, Object>>() { }));
        } catch (IOException torn) {
          // A process killed mid-line leaves a torn last line; it must be the last one.
          lines.add(Map.of("torn", line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  // ---- what a publication writes: the requests that put a version on each registry

  /** One kind of publishing request and how many of them one release makes. */
  record Write(String registry, String method, Pattern path, int perRelease) {
    static Write of(String registry, String method, String path, int perRelease) {
      return new Write(registry, method, Pattern.compile(path), perRelease);
    }

    boolean matches(Map<String, Object> request) {
      int status = ((Number) request.get("status")).intValue();
      return registry.equals(request.get("registry")) && method.equals(request.get("method"))
          && Boolean.TRUE.equals(request.get("write")) && status >= 200 && status < 300
          && path.matcher(String.valueOf(request.get("path"))).find();
    }
  }

  /** The publishing writes of each target of the example at 1.0.35. */
  static final Map<String, List<Write>> WRITES = new LinkedHashMap<>();

  static {
    WRITES.put("npm.contextlite", List.of(Write.of("npm", "PUT", "^/contextlite$", 1)));
    WRITES.put("github_packages.contextlite", List.of(Write.of("github_packages", "PUT", "^/@michael", 1)));
    WRITES.put("pypi.contextlite", List.of(Write.of("pypi", "POST", "^/(legacy/)?$", 5)));
    WRITES.put("crates.contextlite", List.of(Write.of("crates", "PUT", "^/api/v1/crates/new$", 1)));
    WRITES.put("docker.image", List.of(Write.of("oci", "PUT", "/manifests/1\\.0\\.35$", 1),
        Write.of("oci", "PUT", "/manifests/latest$", 1)));
    WRITES.put("github_release.main", List.of(Write.of("github", "POST", "/releases$", 1),
        Write.of("github", "POST", "/releases/\\d+/assets$", 6)));
    WRITES.put("homebrew.contextlite", List.of(Write.of("github", "PUT", "/contents/Formula/", 1)));
    WRITES.put("scoop.contextlite", List.of(Write.of("github", "PUT", "/contents/bucket/", 1)));
    WRITES.put("chocolatey.contextlite", List.of(Write.of("chocolatey", "PUT", "^/api/v2/package/?$", 1)));
    // Git-based registries: the files of the version, then the pull request that proposes them.
    WRITES.put("winget.contextlite", List.of(Write.of("github", "PUT", "/contents/manifests/c/ContextLite/", 3),
        Write.of("github", "POST", "^/repos/microsoft/winget-pkgs/pulls$", 1)));
    WRITES.put("nix.contextlite", List.of(Write.of("github", "PUT", "/contents/pkgs/by-name/co/contextlite/", 1),
        Write.of("github", "POST", "^/repos/NixOS/nixpkgs/pulls$", 1)));
    WRITES.put("flathub.contextlite", List.of(
        Write.of("github", "PUT", "/contents/io\\.github\\.MichaelAKuykendall\\.ContextLite\\.", 2),
        Write.of("github", "POST", "^/repos/flathub/flathub/pulls$", 1)));
    WRITES.put("aur.contextlite", List.of(Write.of("aur", "POST", "/git-receive-pack$", 1)));
    // Neither an upload nor a push is a publication: the store refuses a second push of the same
    // bytes in review (no new revision). A release points a channel at a revision: that is one.
    WRITES.put("snap.contextlite", List.of(Write.of("snap", "POST", "^/dev/api/snap-release/?$", 2)));
  }

  /**
   * The publishing writes of targets of the other examples (examples/java-library). For Maven
   * Central an upload is not a publication either: the Portal publishes a component once and
   * fails any other deployment of it in validation, and its API cannot find a deployment whose
   * answer was lost. So its publications are counted from the Portal's own state, below.
   */
  static final Map<String, List<Write>> OTHER_WRITES = Map.of("maven_central.greeter", List.of());

  /** Deployments the Maven Central emulator took to PUBLISHED, from its state files. */
  static int publishedDeployments(Path sandbox) {
    Path dir = sandbox.resolve("maven_central").resolve("deployments");
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      int n = 0;
      for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".json"))::iterator) {
        // The emulator's AUTOMATIC steps: PENDING, VALIDATING, VALIDATED, PUBLISHING, PUBLISHED.
        Map<String, Object> d = JSON.readValue(f.toFile(), new TypeReference<Map<String, Object>>() { });
        if ("AUTOMATIC".equals(d.get("publishingType")) && Integer.valueOf(4).equals(d.get("step"))) {
          n++;
        }
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Write> writesOf(String target) {
    List<Write> writes = WRITES.containsKey(target) ? WRITES.get(target) : OTHER_WRITES.get(target);
    if (writes == null) {
      throw new IllegalArgumentException("no publishing writes known for " + target);
    }
    return writes;
  }

  /** Successful publishing writes of one target in the sandbox's whole history. */
  static int publishingWrites(Path sandbox, String target) {
    List<Map<String, Object>> requests = jsonLines(sandbox.resolve("requests.jsonl")).stream()
        .filter(r -> !r.containsKey("torn")).toList();
    if (target.startsWith("maven_central.")) {
      return publishedDeployments(sandbox);
    }
    return writesOf(target).stream().mapToInt(w -> (int) requests.stream().filter(w::matches).count()).sum();
  }

  /** Target of the contextlite example -> successful publishing writes in the sandbox's whole history. */
  static Map<String, Integer> publishingWrites(Path sandbox) {
    List<Map<String, Object>> requests = jsonLines(sandbox.resolve("requests.jsonl")).stream()
        .filter(r -> !r.containsKey("torn")).toList();
    Map<String, Integer> counts = new TreeMap<>();
    WRITES.forEach((target, writes) -> {
      int n = 0;
      for (Write w : writes) {
        n += (int) requests.stream().filter(w::matches).count();
      }
      counts.put(target, n);
    });
    return counts;
  }

  static int perRelease(String target) {
    return target.startsWith("maven_central.") ? 1 : writesOf(target).stream().mapToInt(Write::perRelease).sum();
  }

  /**
   * Targets whose version was written more than once: any kind of publishing request seen
   * more often than one release makes it. Empty when nothing was published twice.
   */
  static List<String> duplicates(Path sandbox) {
    List<Map<String, Object>> requests = jsonLines(sandbox.resolve("requests.jsonl")).stream()
        .filter(r -> !r.containsKey("torn")).toList();
    List<String> dups = new ArrayList<>();
    Map<String, List<Write>> all = new LinkedHashMap<>(WRITES);
    all.putAll(OTHER_WRITES);
    if (publishedDeployments(sandbox) > 1) {
      dups.add("maven_central: " + publishedDeployments(sandbox) + " deployments published (one release makes 1)");
    }
    all.forEach((target, writes) -> {
      for (Write w : writes) {
        long n = requests.stream().filter(w::matches).count();
        if (n > w.perRelease()) {
          dups.add(target + ": " + n + " x " + w.method() + " " + w.path() + " (one release makes " + w.perRelease() + ")");
        }
      }
    });
    return dups;
  }

  // ---- the journal

  static final Set<String> END_EVENTS = Set.of("done", "published", "up_to_date", "drift", "failed", "blocked");

  /**
   * Problems with the journal as a history; empty when it reads well. Every run's times go
   * forward; in every run but those listed as killed, each started node ends and the run
   * ends; a killed run's unfinished nodes are finished by a later run.
   */
  static List<String> journalProblems(Path journal, Set<String> killedRuns) {
    List<Map<String, Object>> lines = jsonLines(journal);
    List<String> problems = new ArrayList<>();
    Map<String, List<Map<String, Object>>> byRun = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Map<String, Object> l = lines.get(i);
      if (l.containsKey("torn")) {
        if (i != lines.size() - 1 && !killedRuns.contains("*torn-ok")) {
          problems.add("torn line in the middle of the journal: " + l.get("torn"));
        }
        continue;
      }
      byRun.computeIfAbsent(String.valueOf(l.get("run")), k -> new ArrayList<>()).add(l);
    }
    Set<String> unfinishedEarlier = new LinkedHashSet<>();
    for (Map.Entry<String, List<Map<String, Object>>> e : byRun.entrySet()) {
      String run = e.getKey();
      List<Map<String, Object>> events = e.getValue();
      Instant previous = Instant.MIN;
      for (Map<String, Object> ev : events) {
        Instant time = time(ev);
        if (time.isBefore(previous)) {
          problems.add(run + ": events out of order at " + ev);
        }
        previous = time;
      }
      if (!"apply_start".equals(events.get(0).get("event"))) {
        problems.add(run + ": does not begin with apply_start");
      }
      Set<String> open = new LinkedHashSet<>();
      for (Map<String, Object> ev : events) {
        String addr = (String) ev.get("address");
        String event = String.valueOf(ev.get("event"));
        if (addr == null) {
          continue;
        }
        if (event.equals("started")) {
          open.add(addr);
        } else if (END_EVENTS.contains(event)) {
          open.remove(addr);
          unfinishedEarlier.remove(addr);
        }
      }
      boolean ended = "apply_end".equals(events.get(events.size() - 1).get("event"));
      if (killedRuns.contains(run) || killedRuns.contains("*")) {
        unfinishedEarlier.addAll(open);
        continue;
      }
      if (!ended) {
        problems.add(run + ": no apply_end");
      }
      if (!open.isEmpty()) {
        problems.add(run + ": started without an end: " + open);
      }
    }
    if (!unfinishedEarlier.isEmpty() && !killedRuns.contains("*")) {
      problems.add("left unfinished by a killed run and never finished later: " + unfinishedEarlier);
    }
    return problems;
  }

  /**
   * A journal or request-log line's time. Compared parsed, never as text: {@link Instant#toString()}
   * drops trailing zeros, so {@code ...45.852Z} sorts after {@code ...45.852260986Z} as a string.
   */
  static Instant time(Map<String, Object> line) {
    return Instant.parse(String.valueOf(line.get("time")));
  }

  static List<String> runIds(Path journal) {
    List<String> ids = new ArrayList<>();
    for (Map<String, Object> l : jsonLines(journal)) {
      Object run = l.get("run");
      if (run != null && !ids.contains(run.toString())) {
        ids.add(run.toString());
      }
    }
    return ids;
  }

  // ---- figures for docs/reliability.md

  static Path figuresDir() {
    return repo().resolve("target").resolve("drills");
  }

  /**
   * Saves this drill's figures, and on a full run (or with -Dfanout.drills.doc) rewrites
   * docs/reliability.md from every drill's figures: an ordinary test run must not change a
   * tracked file, and the page should show the thorough setting's figures.
   */
  static void saveFigures(String drill, Map<String, Object> figures) throws IOException {
    Files.createDirectories(figuresDir());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("drill", drill);
    doc.put("mode", mode());
    doc.put("finished", Instant.now().toString());
    doc.putAll(figures);
    Files.writeString(figuresDir().resolve(drill + ".json"), JSON.writeValueAsString(doc));
    // A run of only some fault-matrix targets (while fixing one) must not replace the page's figures.
    boolean partial = System.getProperty("fanout.matrix.targets") != null;
    if (!partial && (mode().equals("full") || System.getProperty("fanout.drills.doc") != null)) {
      ReliabilityDoc.write(figuresDir(), repo().resolve("docs").resolve("reliability.md"));
    }
  }
}
