package dev.fanout.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real {@code fanout apply} process at seeded random moments, then
 * re-runs until one succeeds. Afterwards every target holds the release exactly once (no
 * publishing write seen twice in requests.jsonl), the journal reads as a history (a killed
 * run has started nodes without an end, a later run ends them), and the lock the killed
 * process left did not stop the re-run.
 *
 * <p>The registries run in a {@code fanout sandbox serve} process of their own, which the
 * applies attach to, so a kill takes down Fanout and not the registries (an emulator killed
 * mid-write is not what a real registry does). The processes run the CLI's main class on the
 * test class path, the code that goes into target/fanout.jar, so the drill needs no packaged
 * jar (CI tests before packaging).
 */
class CrashDrill {

  static final long SEED = Long.getLong("fanout.drills.seed", 20261124L);
  static final int KILLS_PER_TRIAL = 2;

  private final List<Process> servers = new ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void stopServers() {
    servers.forEach(Process::destroyForcibly);
  }

  @Test
  void killedAppliesAreFinishedByReRunsWithoutWritingTwice(@TempDir Path tmp) throws Exception {
    int kills = Drills.full() ? 50 : 8;
    Random random = new Random(SEED);
    List<String> failures = new ArrayList<>();
    List<Map<String, Object>> table = new ArrayList<>();
    int landed = 0;
    int survived = 0;
    int duplicates = 0;
    int attempted = 0;
    // A kill drawn after the run already finished is no crash point: draw trials until the
    // wanted number of kills landed mid-run (bounded, so a run that got fast cannot loop forever).
    for (int trial = 1; landed < kills && trial <= kills; trial++) {
      Path dir = tmp.resolve("trial" + trial);
      Path example = Drills.example(dir);
      Path sandbox = dir.resolve("sandbox");
      Path journal = example.resolve(".fanout/journal.jsonl");
      // Slow writes make a run last a few seconds, so a kill lands in the middle of it.
      Drills.writeFaults(sandbox, List.of(Map.of("registry", "*", "operation", "write", "latency_ms", 120),
          Map.of("registry", "*", "operation", "read", "latency_ms", 20)));
      // The registries live in their own process, as real ones do: only the apply is killed.
      Process registries = serve(sandbox, dir.resolve("serve.log"));
      servers.add(registries);
      Set<String> killedRuns = new LinkedHashSet<>();
      List<String> where = new ArrayList<>();
      int trialKills = 0;
      for (int k = 0; k < KILLS_PER_TRIAL && landed + trialKills < kills; k++) {
        attempted++;
        // One kill in four lands anywhere from the start (plan, builds); the others a random
        // time after the run's apply_start, when the writes happen.
        boolean duringPlan = random.nextInt(4) == 0;
        long delay = duringPlan ? 300 + random.nextInt(2500) : random.nextInt(3500);
        List<String> before = Drills.runIds(journal);
        Process p = start(example, sandbox, dir.resolve("killed-" + k + ".log"));
        boolean finished;
        if (duringPlan) {
          finished = p.waitFor(delay, TimeUnit.MILLISECONDS);
        } else {
          finished = waitForNewRun(p, journal, before.size());
          finished = finished || p.waitFor(delay, TimeUnit.MILLISECONDS);
        }
        String label = (duringPlan ? delay + " ms after start" : delay + " ms after apply_start");
        if (!finished) {
          p.destroyForcibly();   // SIGKILL: no shutdown hooks, no finally blocks
          p.waitFor();
          trialKills++;
          List<String> after = new ArrayList<>(Drills.runIds(journal));
          after.removeAll(before);
          killedRuns.addAll(after);
          where.add(label + ": " + lastEvent(journal, after));
        } else {
          where.add(label + ": finished first (exit " + p.exitValue() + ")");
        }
      }
      landed += trialKills;
      int reruns = 0;
      int code = -1;
      while (code != 0 && reruns < 4) {
        reruns++;
        Process p = start(example, sandbox, dir.resolve("rerun-" + reruns + ".log"));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          failures.add("trial " + trial + ": a re-run hung");
          break;
        }
        code = p.exitValue();
      }
      List<String> problems = new ArrayList<>();
      Drills.Run after = Drills.cli(Map.of(), "plan", example.toString(), "--sandbox=" + sandbox, "--no-color",
          "--detailed-exitcode");
      if (after.code() != 0) {
        problems.add("a plan after the re-run still finds changes: " + after.all());
      }
      registries.destroy();
      registries.waitFor(30, TimeUnit.SECONDS);
      if (code != 0) {
        problems.add("no re-run succeeded; last output: " + tail(dir.resolve("rerun-" + reruns + ".log")));
      }
      if (reruns > 1) {
        problems.add("the first re-run did not finish the job: " + tail(dir.resolve("rerun-1.log")));
      }
      Map<String, Integer> writes = Drills.publishingWrites(sandbox);
      writes.forEach((target, n) -> {
        if (n != Drills.perRelease(target)) {
          problems.add(target + " has " + n + " publishing writes, one release makes " + Drills.perRelease(target));
        }
      });
      List<String> dups = Drills.duplicates(sandbox);
      duplicates += dups.size();
      problems.addAll(dups);
      problems.addAll(Drills.journalProblems(journal, killedRuns));
      if (Files.exists(example.resolve(".fanout/lock"))) {
        problems.add("the lock is still there after a successful run");
      }
      if (problems.isEmpty()) {
        survived += trialKills;
      } else {
        failures.add("trial " + trial + " (kills at " + where + "): " + problems);
        keepEvidence(dir, "crash-trial-" + trial);
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("trial", trial);
      row.put("kills (when: last journal event)", String.join("; ", where));
      row.put("re-runs to finish", reruns);
      row.put("ok", problems.isEmpty() ? "yes" : "NO: " + String.join("; ", problems));
      table.add(row);
    }
    if (landed < kills) {
      failures.add("only " + landed + " of " + kills + " kills landed while a run was going (" + attempted + " drawn)");
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("seed", SEED);
    figures.put("kills_wanted", kills);
    figures.put("kills_attempted", attempted);
    figures.put("kills_landed_mid_run", landed);
    figures.put("crash_points_survived", survived);
    figures.put("duplicate_writes", duplicates);
    figures.put("table", table);
    Drills.saveFigures("crash", figures);
    assertEquals(List.of(), failures);
  }

  /** {@code fanout sandbox serve} for the trial's folder; returns once it serves. */
  private static Process serve(Path sandbox, Path log) throws Exception {
    Files.createDirectories(sandbox);
    Process p = new ProcessBuilder(javaCommand("sandbox", "serve", "--dir", sandbox.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (!Files.exists(sandbox.resolve("serving.json"))) {
      if (!p.isAlive() || System.currentTimeMillis() > deadline) {
        throw new AssertionError("fanout sandbox serve did not start: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return p;
  }

  private static List<String> javaCommand(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        "dev.fanout.cli.Main"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static Process start(Path example, Path sandbox, Path log) throws Exception {
    List<String> cmd = javaCommand("apply", example.toString(), "--sandbox=" + sandbox, "--auto-approve", "--no-color");
    Path ports = sandbox.resolve("ports.json");
    if (Files.exists(ports)) {
      // Evidence for a failed trial: the ports each run found (the formula URLs depend on them).
      Files.copy(ports, log.resolveSibling(log.getFileName() + ".ports-before.json"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(example.getParent().toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.endsWith("_TOKEN"));
    return pb.start();
  }

  /** Waits until the process's run appears in the journal; true when the process ended first. */
  private static boolean waitForNewRun(Process p, Path journal, int runsBefore) throws InterruptedException {
    while (Drills.runIds(journal).size() <= runsBefore) {
      if (p.waitFor(20, TimeUnit.MILLISECONDS)) {
        return true;
      }
    }
    return false;
  }

  /** Copies a failed trial's logs, journal and request log to target/drills for a person to read. */
  static void keepEvidence(Path dir, String name) throws java.io.IOException {
    Path to = Drills.figuresDir().resolve("evidence").resolve(name);
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (Files.isRegularFile(f) && (n.endsWith(".log") || n.endsWith(".jsonl") || n.endsWith(".json"))) {
          Path target = to.resolve(dir.relativize(f).toString());
          Files.createDirectories(target.getParent());
          Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static String lastEvent(Path journal, List<String> runs) {
    List<Map<String, Object>> lines = Drills.jsonLines(journal);
    for (int i = lines.size() - 1; i >= 0; i--) {
      Map<String, Object> l = lines.get(i);
      if (runs.contains(String.valueOf(l.get("run")))) {
        return l.get("address") + " " + l.get("event");
      }
    }
    return "before apply_start (plan)";
  }

  private static String tail(Path log) throws Exception {
    if (!Files.exists(log)) {
      return "";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join(" / ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
  }

  static String classPathSeparator() {
    return File.pathSeparator;
  }
}
