// The performance harness: measures plan, apply, re-run, scale and start-up, and rewrites
// docs/performance.md with the medians. Run it with bench/run.sh (never part of mvn verify:
// timings are not tests). A single source file run by the java launcher against the built
// jar, so it needs no build of its own.

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.dsl.ConfigLoader;
import dev.fanout.engine.Engine;
import dev.fanout.output.Redactor;
import dev.fanout.sandbox.SandboxRouting;
import dev.fanout.model.Address;
import dev.fanout.provider.Providers;
import dev.fanout.refresh.Refresher;
import dev.fanout.sandbox.Sandbox;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public final class Bench {

  static final ObjectMapper JSON = new ObjectMapper();
  /** The JVM flags of the ./fanout launcher, so the figures are what a user gets. */
  static final List<String> JAVA_OPTS = launcherOptions();

  /**
   * The `./fanout` launcher's flags, with its class-data archive when the launcher has made one
   * for this jar (run.sh runs `./fanout version` first): the commands timed are the ones users run.
   */
  static List<String> launcherOptions() {
    List<String> opts = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC"));
    Path jsa = Path.of("target/fanout.jsa").toAbsolutePath();
    Path jar = Path.of("target/fanout.jar").toAbsolutePath();
    try {
      if (Files.isRegularFile(jsa) && Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) > 0) {
        opts.add("-XX:SharedArchiveFile=" + jsa);
      }
    } catch (IOException e) {
      // Without the archive: slower starts, still the same commands.
    }
    return List.copyOf(opts);
  }
  static final int LATENCY_MS = 200;

  final Path repo;
  final Path jar;
  final Path work;
  final int reps;
  final List<Integer> sizes;
  final List<String> sections;
  final StringBuilder doc = new StringBuilder();
  final List<String> loads = new ArrayList<>();

  Bench(Path repo, int reps, List<Integer> sizes, List<String> sections) throws IOException {
    this.repo = repo;
    this.jar = repo.resolve("target/fanout.jar");
    this.work = Files.createTempDirectory("fanout-bench");
    this.reps = reps;
    this.sizes = sizes;
    this.sections = sections;
  }

  /**
   * bench/run.sh [--reps N] [--sizes 100,1000,10000] [--only startup,refresh,apply,rerun,scale,jmh,peers,jreleaser]
   * [--out docs/performance.md | --no-write]
   */
  public static void main(String[] args) throws Exception {
    Path repo = Path.of("").toAbsolutePath();
    if (args.length > 0 && args[0].startsWith("--probe-")) {
      Probes.main(args);
      return;
    }
    int reps = 5;
    List<Integer> sizes = List.of(100, 1_000, 10_000);
    List<String> sections = List.of("startup", "refresh", "apply", "rerun", "scale", "jmh", "peers", "jreleaser");
    Path out = repo.resolve("docs/performance.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--sizes" -> sizes = Stream.of(args[++i].split(",")).map(Integer::parseInt).toList();
        case "--only" -> sections = List.of(args[++i].split(","));
        case "--out" -> out = Path.of(args[++i]);
        case "--no-write" -> out = null;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Bench b = new Bench(repo, reps, sizes, sections);
    String body = b.run();
    if (out != null) {
      String template = Files.readString(repo.resolve("bench/performance.template.md"));
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, template.replace("{{RESULTS}}", body));
      System.err.println("wrote " + out);
    }
    System.out.println(body);
  }

  String run() throws Exception {
    loads.add(loadAverage());
    StringBuilder results = new StringBuilder();
    if (sections.contains("startup")) {
      results.append(startup());
    }
    if (sections.contains("refresh")) {
      results.append(refresh());
    }
    if (sections.contains("apply") || sections.contains("rerun")) {
      results.append(apply());
    }
    if (sections.contains("scale")) {
      results.append(scale());
    }
    if (sections.contains("jmh")) {
      results.append(jmh());
    }
    if (sections.contains("peers")) {
      results.append(new Peers(this).run());
    }
    if (sections.contains("jreleaser")) {
      results.append(new JReleaserPeer(this).run());
    }
    loads.add(loadAverage());
    return machine().replace("{{LOAD_AFTER}}", loads.get(1)) + "\n" + results;
  }

  // ---- start-up

  String startup() throws Exception {
    log("start-up");
    // The ./fanout launcher maps a class data sharing archive (AppCDS) that its first run after
    // a build makes; that first run is not timed.
    List<String> launcher = List.of(repo.resolve("fanout").toString());
    execOk(concat(launcher, "version"), repo, null);
    Path mini = work.resolve("startup-minimal");
    Files.createDirectories(mini);
    Files.copy(repo.resolve("examples/minimal/release.fanout"), mini.resolve("release.fanout"));
    Files.createDirectories(mini.resolve("bin"));
    Files.copy(repo.resolve("examples/minimal/bin/hello-linux-amd64"), mini.resolve("bin/hello-linux-amd64"));
    Map<String, List<Long>> t = new LinkedHashMap<>();
    for (int r = 0; r < reps; r++) {
      for (boolean cds : List.of(false, true)) {
        List<String> base = cds ? launcher : java(List.of());
        String how = cds ? " (./fanout, AppCDS)" : " (java -jar)";
        t.computeIfAbsent("version" + how, k -> new ArrayList<>()).add(execOk(concat(base, "version"), repo, null).wallMs);
        t.computeIfAbsent("validate examples/minimal" + how, k -> new ArrayList<>())
            .add(execOk(concat(base, "validate", mini.toString()), repo, null).wallMs);
        t.computeIfAbsent("plan examples/minimal --sandbox" + how, k -> new ArrayList<>())
            .add(execOk(concat(base, "plan", mini.toString(), "--sandbox=" + work.resolve("startup-sandbox"), "--no-color"),
                repo, null).wallMs);
      }
    }
    List<JsonNode> probes = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      probes.add(JSON.readTree(lastLine(execOk(probe(List.of(), "--probe-startup",
          repo.resolve("examples/minimal").toString(), work.resolve("startup-sandbox-" + r).toString()), repo, null).out)));
    }
    StringBuilder s = new StringBuilder("## Start-up\n\n| command | median wall | runs |\n| --- | ---: | --- |\n");
    t.forEach((k, v) -> s.append("| `").append(k.replace(" (", "` (")).append(" | ").append(ms(median(v))).append(" | ")
        .append(list(v)).append(" |\n"));
    s.append("\nAppCDS (the `./fanout` launcher's archive: `-XX:ArchiveClassesAtExit` in one training run after "
        + "each build, then `-XX:SharedArchiveFile`) changes `version` by ")
        .append(percent(median(t.get("version (./fanout, AppCDS)")), median(t.get("version (java -jar)"))))
        .append(", `validate examples/minimal` by ")
        .append(percent(median(t.get("validate examples/minimal (./fanout, AppCDS)")),
            median(t.get("validate examples/minimal (java -jar)"))))
        .append(" and `plan examples/minimal --sandbox` by ")
        .append(percent(median(t.get("plan examples/minimal --sandbox (./fanout, AppCDS)")),
            median(t.get("plan examples/minimal --sandbox (java -jar)"))))
        .append(".\n\n");
    s.append("Inside one fresh JVM (launcher flags), the steps a `plan --sandbox` takes before its first request, "
        + "each timed in process in this order (median of ").append(reps).append("):\n\n| step | median |\n| --- | ---: |\n");
    for (java.util.Iterator<String> it = probes.get(0).fieldNames(); it.hasNext(); ) {
      String k = it.next();
      List<Long> v = probes.stream().map(j -> j.get(k).asLong()).toList();
      s.append("| ").append(k).append(" | ").append(ms(median(v))).append(" |\n");
    }
    return s.append("\n").toString();
  }

  // ---- refresh: plan against 200 ms on every request

  String refresh() throws Exception {
    log("refresh");
    Path dir = copyExample("refresh");
    Path sandbox = work.resolve("refresh-sandbox");
    Files.createDirectories(sandbox);
    Files.writeString(sandbox.resolve("faults.json"), latencyFault("any"));
    // In process: each target alone (its reads, one after another), then all of them at 10 and at 1.
    Map<String, Long> perTarget = new LinkedHashMap<>();
    List<Long> inSerial = new ArrayList<>();
    List<Long> inParallel = new ArrayList<>();
    int requestsPerRun;
    try (Sandbox sb = Sandbox.start(sandbox, "empty")) {
      ConfigLoader.Result loaded = new ConfigLoader(Providers.load(), Map.of(), Map.of(), p -> null)
          .withSandbox(sb.urls()).load(dir);
      try (Engine ws = open(loaded.config(), Providers.load(), sb)) {
        List<Address> targets = new ArrayList<>(ws.config().publications().keySet());
        Refresher one = new Refresher(ws.targets(), 1);
        Map<Address, List<Long>> each = new LinkedHashMap<>();
        for (int r = 0; r < reps; r++) {
          for (Address a : targets) {
            long t0 = System.nanoTime();
            one.read(a);
            each.computeIfAbsent(a, k -> new ArrayList<>()).add(millis(t0));
          }
        }
        each.forEach((a, v) -> perTarget.put(a.toString(), median(v)));
        long before = lines(sandbox.resolve("requests.jsonl"));
        for (int r = 0; r < reps; r++) {
          long t0 = System.nanoTime();
          new Refresher(ws.targets(), 10).refresh(targets, n -> { });
          inParallel.add(millis(t0));
          t0 = System.nanoTime();
          new Refresher(ws.targets(), 1).refresh(targets, n -> { });
          inSerial.add(millis(t0));
        }
        requestsPerRun = (int) ((lines(sandbox.resolve("requests.jsonl")) - before) / (2L * reps));
      }
    }
    // The command as a user runs it, JVM start and sandbox start included.
    List<Long> cli1 = new ArrayList<>();
    List<Long> cli10 = new ArrayList<>();
    List<Long> cliInstant = new ArrayList<>();
    Path instant = work.resolve("refresh-instant");
    for (int r = 0; r < reps; r++) {
      cli10.add(execOk(java(List.of(), "plan", dir.toString(), "--sandbox=" + sandbox, "--no-color"), dir, null).wallMs);
      cli1.add(execOk(java(List.of(), "plan", dir.toString(), "--sandbox=" + sandbox, "--no-color",
          "--parallelism", "1"), dir, null).wallMs);
      cliInstant.add(execOk(java(List.of(), "plan", dir.toString(), "--sandbox=" + instant, "--no-color"), dir, null).wallMs);
    }
    long slowest = Collections.max(perTarget.values());
    long sum = perTarget.values().stream().mapToLong(Long::longValue).sum();
    String slowestName = perTarget.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    StringBuilder s = new StringBuilder("## Refresh: plan of examples/contextlite, " + LATENCY_MS
        + " ms on every request\n\n");
    s.append(perTarget.size()).append(" targets, ").append(requestsPerRun).append(" requests per plan.\n\n");
    s.append("| measure | median | runs |\n| --- | ---: | --- |\n");
    s.append("| slowest single target alone (").append(slowestName).append(") | ").append(ms(slowest)).append(" | |\n");
    s.append("| sum of the targets alone | ").append(ms(sum)).append(" | |\n");
    s.append("| refresh, parallelism 10 (in process) | ").append(ms(median(inParallel))).append(" | ")
        .append(list(inParallel)).append(" |\n");
    s.append("| refresh, parallelism 1 (in process) | ").append(ms(median(inSerial))).append(" | ")
        .append(list(inSerial)).append(" |\n");
    s.append("| `fanout plan --parallelism 10` (default) | ").append(ms(median(cli10))).append(" | ")
        .append(list(cli10)).append(" |\n");
    s.append("| `fanout plan --parallelism 1` | ").append(ms(median(cli1))).append(" | ").append(list(cli1)).append(" |\n");
    s.append("| `fanout plan`, instant sandbox (fixed cost) | ").append(ms(median(cliInstant))).append(" | ")
        .append(list(cliInstant)).append(" |\n");
    s.append("\nRatios: parallelism 1 / 10 = **").append(ratio(median(inSerial), median(inParallel)))
        .append("** in process, ").append(ratio(median(cli1), median(cli10))).append(" for the command; refresh at 10 / slowest target = **")
        .append(ratio(median(inParallel), slowest)).append("** (goal: about 1); at 1 / sum of targets = ")
        .append(ratio(median(inSerial), sum)).append(".\n\nThe targets alone:\n\n| target | median |\n| --- | ---: |\n");
    perTarget.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> s.append("| ").append(e.getKey()).append(" | ").append(ms(e.getValue())).append(" |\n"));
    return s.append("\n").toString();
  }

  // ---- apply against the critical path, then the re-run

  String apply() throws Exception {
    log("apply");
    List<Long> walls = new ArrayList<>();
    List<Long> walks = new ArrayList<>();
    List<Long> paths = new ArrayList<>();
    List<Long> rerunWalls = new ArrayList<>();
    List<Long> rerunPlans = new ArrayList<>();
    List<Long> rerunWrites = new ArrayList<>();
    List<Long> rerunPublishes = new ArrayList<>();
    List<String> chains = new ArrayList<>();
    for (int r = 0; r < reps; r++) {
      Path dir = copyExample("apply-" + r);
      Path sandbox = dir.resolve("sandbox");
      Files.createDirectories(sandbox);
      Files.writeString(sandbox.resolve("faults.json"), latencyFault("any"));
      Path report = dir.resolve("report.json");
      Run run = execOk(java(List.of(), "apply", dir.toString(), "--sandbox=" + sandbox, "--auto-approve",
          "--no-color", "--report", report.toString()), dir, null);
      walls.add(run.wallMs);
      JsonNode rep = JSON.readTree(report.toFile());
      walks.add(rep.get("duration_ms").asLong());
      JsonNode graph = JSON.readTree(execOk(java(List.of(), "graph", dir.toString(), "--format", "json"), dir, null).out);
      List<String> chain = new ArrayList<>();
      paths.add(criticalPath(graph, rep, chain));
      chains.add(String.join(" -> ", chain));
      // Re-run: everything is published; count the writes it makes and time it against a plan.
      long before = lines(sandbox.resolve("requests.jsonl"));
      rerunWalls.add(execOk(java(List.of(), "apply", dir.toString(), "--sandbox=" + sandbox, "--auto-approve",
          "--no-color"), dir, null).wallMs);
      rerunWrites.add(writesSince(sandbox.resolve("requests.jsonl"), before));
      rerunPublishes.add(publishingWritesSince(sandbox.resolve("requests.jsonl"), before));
      rerunPlans.add(execOk(java(List.of(), "plan", dir.toString(), "--sandbox=" + sandbox, "--no-color"), dir, null).wallMs);
    }
    StringBuilder s = new StringBuilder("## Apply: examples/contextlite into an empty sandbox, " + LATENCY_MS
        + " ms on every request\n\n");
    s.append("The critical path is the longest chain of the graph weighted by each node's own duration in the "
        + "same run (from the `--report` JSON); no schedule can finish the walk sooner.\n\n");
    s.append("| measure | median | runs |\n| --- | ---: | --- |\n");
    s.append("| critical path | ").append(ms(median(paths))).append(" | ").append(list(paths)).append(" |\n");
    s.append("| walk (the report's duration) | ").append(ms(median(walks))).append(" | ").append(list(walks)).append(" |\n");
    s.append("| `fanout apply` wall (JVM, sandbox, plan, walk) | ").append(ms(median(walls))).append(" | ")
        .append(list(walls)).append(" |\n");
    List<Long> overhead = new ArrayList<>();
    for (int i = 0; i < walks.size(); i++) {
      overhead.add(walks.get(i) * 1000 / Math.max(1, paths.get(i)));
    }
    s.append("\nWalk / critical path = **").append(String.format(Locale.ROOT, "%.2f", median(overhead) / 1000.0))
        .append("** (goal: at most 1.15). Longest chain: ").append(chains.get(0)).append(".\n\n");
    s.append("## Re-run: apply of a release that is fully published\n\n");
    s.append("| measure | median | runs |\n| --- | ---: | --- |\n");
    s.append("| `fanout apply` again | ").append(ms(median(rerunWalls))).append(" | ").append(list(rerunWalls)).append(" |\n");
    s.append("| `fanout plan` of the same | ").append(ms(median(rerunPlans))).append(" | ").append(list(rerunPlans)).append(" |\n");
    s.append("| write requests made by the re-run | ").append(Collections.max(rerunWrites)).append(" (max) | ")
        .append(list(rerunWrites).replace(" ms", "")).append(" |\n");
    s.append("| of which publish something (all but the Docker push probe) | ").append(Collections.max(rerunPublishes))
        .append(" (max) | ").append(list(rerunPublishes).replace(" ms", "")).append(" |\n");
    s.append("\nRe-run / plan = **").append(ratio(median(rerunWalls), median(rerunPlans))).append("**.\n\n");
    return s.toString();
  }

  /** The longest chain of the graph weighted by node durations; fills {@code chain} with it. */
  /** The engine on a running sandbox, as {@code --sandbox} opens it. */
  static Engine open(dev.fanout.model.Config config, Providers providers, Sandbox sb) {
    return Engine.open(config, providers, Engine.Settings.standard("bench")
        .withRouting(new SandboxRouting(sb.urls(), java.util.Set.of())), Redactor.none());
  }

  static long criticalPath(JsonNode graph, JsonNode report, List<String> chain) {
    Map<String, Long> weight = new HashMap<>();
    for (JsonNode n : report.get("nodes")) {
      weight.put(n.get("address").asText(), n.get("duration_ms").asLong());
    }
    Map<String, List<String>> next = new HashMap<>();
    for (JsonNode e : graph.get("edges")) {
      next.computeIfAbsent(e.get("from").asText(), k -> new ArrayList<>()).add(e.get("to").asText());
    }
    Map<String, Long> memo = new HashMap<>();
    Map<String, String> best = new HashMap<>();
    long max = 0;
    String start = null;
    for (JsonNode n : graph.get("nodes")) {
      String a = n.get("address").asText();
      long l = longest(a, weight, next, memo, best);
      if (l > max) {
        max = l;
        start = a;
      }
    }
    for (String a = start; a != null; a = best.get(a)) {
      chain.add(a);
    }
    return max;
  }

  private static long longest(String a, Map<String, Long> weight, Map<String, List<String>> next,
      Map<String, Long> memo, Map<String, String> best) {
    Long known = memo.get(a);
    if (known != null) {
      return known;
    }
    long tail = 0;
    for (String n : next.getOrDefault(a, List.of())) {
      long l = longest(n, weight, next, memo, best);
      if (l > tail) {
        tail = l;
        best.put(a, n);
      }
    }
    long total = weight.getOrDefault(a, 0L) + tail;
    memo.put(a, total);
    return total;
  }

  // ---- scale: generated configurations against an instant sandbox

  String scale() throws Exception {
    log("scale");
    StringBuilder s = new StringBuilder("## Scale: generated configurations, instant sandbox, `-Xmx512m`\n\n");
    s.append("Publications are packages x registries (npm, pypi, github_packages in turn) over two shared "
        + "artifacts. Peak heap is the largest heap in use seen by the GC log (before each collection and at "
        + "exit); RSS is the process's peak resident memory.\n\n");
    s.append("| publications | command | median wall | peak heap | peak RSS | runs |\n| ---: | --- | ---: | ---: | ---: | --- |\n");
    Map<String, Map<Integer, Long>> medians = new LinkedHashMap<>();
    for (int n : sizes) {
      Path dir = work.resolve("scale-" + n);
      generate(dir, n);
      int repsHere = n >= 10_000 ? Math.min(reps, 3) : reps;
      for (String command : List.of("validate", "graph", "plan")) {
        List<Long> walls = new ArrayList<>();
        long heap = 0;
        long rss = 0;
        for (int r = 0; r < repsHere; r++) {
          Path gc = work.resolve("gc-" + n + "-" + command + "-" + r + ".log");
          List<String> opts = List.of("-Xmx512m", "-Xlog:gc,gc+heap+exit:file=" + gc);
          List<String> cmd = switch (command) {
            case "validate" -> java(opts, "validate", dir.toString());
            case "graph" -> java(opts, "graph", dir.toString(), "--format", "json");
            default -> java(opts, "plan", dir.toString(), "--sandbox=" + work.resolve("scale-sandbox-" + n + "-" + r),
                "--no-color");
          };
          Run run = execOk(cmd, dir, null);
          walls.add(run.wallMs);
          heap = Math.max(heap, peakHeapKb(gc));
          rss = Math.max(rss, run.maxRssKb);
        }
        medians.computeIfAbsent(command, k -> new LinkedHashMap<>()).put(n, median(walls));
        s.append("| ").append(String.format(Locale.ROOT, "%,d", n)).append(" | ").append(command).append(" | ")
            .append(ms(median(walls))).append(" | ").append(heap / 1024).append(" MB | ")
            .append(rss > 0 ? rss / 1024 + " MB" : "n/a").append(" | ").append(list(walls)).append(" |\n");
      }
    }
    int largest = sizes.get(sizes.size() - 1);
    List<JsonNode> breakdown = new ArrayList<>();
    // The probe keeps two refreshes and the plan at once, more than the command does: past
    // 10,000 publications it gets more heap, and says so.
    String probeHeap = largest > 10_000 ? "-Xmx2g" : "-Xmx512m";
    for (int r = 0; r < Math.min(reps, 3); r++) {
      breakdown.add(JSON.readTree(lastLine(execOk(probe(List.of(probeHeap), "--probe-scale",
          work.resolve("scale-" + largest).toString(), work.resolve("scale-probe-sandbox-" + r).toString()),
          work, null).out)));
    }
    s.append("\nWhere the time of `plan` goes at ").append(String.format(Locale.ROOT, "%,d", largest))
        .append(" publications (in one fresh JVM, launcher flags, `").append(probeHeap)
        .append("`, each step timed in process; CPU is "
            + "the process's CPU time over the step, all threads, sandbox included; median of ")
        .append(breakdown.size()).append("):\n\n| step | wall | CPU |\n| --- | ---: | ---: |\n");
    for (java.util.Iterator<String> it = breakdown.get(0).fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (k.endsWith(".cpu")) {
        continue;
      }
      if (k.startsWith("requests")) {
        s.append("| ").append(k).append(" | ").append(median(breakdown.stream().map(j -> j.get(k).asLong()).toList()))
            .append(" | |\n");
        continue;
      }
      List<Long> wall = breakdown.stream().map(j -> j.get(k).asLong()).toList();
      List<Long> cpu = breakdown.stream().map(j -> j.path(k + ".cpu").asLong()).toList();
      s.append("| ").append(k).append(" | ").append(ms(median(wall))).append(" | ").append(ms(median(cpu))).append(" |\n");
    }
    s.append(profile(largest));
    if (sizes.size() < 2) {
      return s.append("\n").toString();
    }
    s.append("\nGrowth (wall time ratio for 10x the publications; 10 would be linear, JVM start-up makes it smaller):\n\n");
    s.append("| command | ").append(String.join(" | ", growthHeads())).append(" |\n| --- |")
        .append(" ---: |".repeat(Math.max(0, sizes.size() - 1))).append("\n");
    medians.forEach((command, bySize) -> {
      s.append("| ").append(command);
      for (int i = 1; i < sizes.size(); i++) {
        s.append(" | ").append(ratio(bySize.get(sizes.get(i)), bySize.get(sizes.get(i - 1))));
      }
      s.append(" |\n");
    });
    return s.append("\n").toString();
  }

  /**
   * Where the CPU of one {@code plan} of the largest release goes: the command run as in the
   * table (launcher flags, {@code -Xmx512m}) under Java Flight Recorder's sampler, each sample
   * put in the first stage its stack belongs to, from the top frame down. JFR samples threads
   * running Java code every 10 ms and threads in native code (socket reads and writes) apart;
   * both are counted, so the table shows what runs and what waits on the loopback sockets.
   */
  String profile(int n) throws Exception {
    Path dir = work.resolve("scale-" + n);
    Path jfr = work.resolve("profile-" + n + ".jfr");
    // The JDK's "profile" settings with the samplers at 1 ms instead of 10 and 20: enough samples
    // to rank the methods of a stage.
    Path settings = work.resolve("sampling.jfc");
    Files.writeString(settings, Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"))
        .replaceAll("(method-sampling-(java|native)-interval\">)\\d+ ms", "$11 ms"));
    Run run = execOk(java(List.of("-Xmx512m", "-XX:StartFlightRecording=filename=" + jfr + ",settings=" + settings,
        "-XX:FlightRecorderOptions=stackdepth=512", "-Xlog:jfr=off"), "plan", dir.toString(),
        "--sandbox=" + work.resolve("profile-sandbox-" + n), "--no-color"), dir, null);
    Map<String, long[]> byStage = new LinkedHashMap<>();
    Map<String, Map<String, Integer>> topOf = new HashMap<>();
    long total = 0;
    try (jdk.jfr.consumer.RecordingFile file = new jdk.jfr.consumer.RecordingFile(jfr)) {
      while (file.hasMoreEvents()) {
        jdk.jfr.consumer.RecordedEvent e = file.readEvent();
        String type = e.getEventType().getName();
        boolean running = type.equals("jdk.ExecutionSample");
        if (!running && !type.equals("jdk.NativeMethodSample") || e.getStackTrace() == null) {
          continue;
        }
        List<jdk.jfr.consumer.RecordedFrame> frames = e.getStackTrace().getFrames();
        jdk.jfr.consumer.RecordedThread thread = e.getThread("sampledThread");
        // The emulators' code runs on the server's threads, whatever package a frame is in.
        String stage = thread != null && String.valueOf(thread.getJavaName()).startsWith("MockWebServer")
            ? STAGES.get(0).getKey() : stage(frames);
        byStage.computeIfAbsent(stage, k -> new long[2])[running ? 0 : 1]++;
        if (running && !frames.isEmpty()) {
          jdk.jfr.consumer.RecordedMethod m = frames.get(0).getMethod();
          topOf.computeIfAbsent(stage, k -> new HashMap<>()).merge(
              m.getType().getName().replaceAll("^.*\\.", "") + "." + m.getName(), 1, Integer::sum);
        }
        total += running ? 1 : 0;
      }
    }
    long all = total;
    StringBuilder s = new StringBuilder("\nWhere the CPU of `plan` goes at ").append(String.format(Locale.ROOT, "%,d", n))
        .append(" publications (one run, ").append(ms(run.wallMs)).append(" wall under the recorder; Java Flight Recorder's "
        + "samples every millisecond, each in the first stage its stack shows from the top; \"running\" samples are threads "
        + "in Java code, \"in native\" ones threads in native calls, mostly socket reads waiting for the other side; the "
        + "hottest methods are the running samples' top frames):\n\n| stage | running | share | in native | hottest methods |\n| --- | ---: | ---: | ---: | --- |\n");
    byStage.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).forEach(en -> {
      String hot = topOf.getOrDefault(en.getKey(), Map.of()).entrySet().stream()
          .sorted((a, b) -> b.getValue() - a.getValue()).limit(3)
          .map(t -> "`" + t.getKey() + "` " + t.getValue()).collect(java.util.stream.Collectors.joining(", "));
      s.append("| ").append(en.getKey()).append(" | ").append(en.getValue()[0]).append(" | ")
          .append(all == 0 ? "" : String.format(Locale.ROOT, "%.0f%%", 100.0 * en.getValue()[0] / all)).append(" | ")
          .append(en.getValue()[1]).append(" | ").append(hot).append(" |\n");
    });
    return s.toString();
  }

  /** The stages of a plan, each named by the packages and classes whose frames belong to it, tried in this order. */
  private static final List<Map.Entry<String, List<String>>> STAGES = List.of(
      Map.entry("sandbox: the emulators' HTTP server", List.of("mockwebserver3.", "dev.fanout.sandbox.", "Emulator")),
      Map.entry("parse (ANTLR, syntax tree)", List.of("dev.fanout.dsl.Syntax", "dev.fanout.dsl.AstBuilder", "org.antlr.")),
      Map.entry("load: check and evaluate", List.of("dev.fanout.dsl.")),
      Map.entry("desired packages (build, digest, cache)", List.of("dev.fanout.target.DesiredCache", "Builder.", ".desired")),
      Map.entry("registry reads: HTTP client", List.of("okhttp3.", "okio.", "dev.fanout.http.")),
      Map.entry("registry reads: answers (providers, JSON)", List.of("dev.fanout.providers.", "dev.fanout.refresh.")),
      Map.entry("graph and workspace", List.of("dev.fanout.graph.", "dev.fanout.engine.", "dev.fanout.target.", "org.jgrapht.")),
      Map.entry("diff (Planner)", List.of("dev.fanout.plan.Planner", "dev.fanout.plan.Differ", "dev.fanout.plan.MixedWorlds")),
      Map.entry("print the plan", List.of("dev.fanout.cli.PlanText", "dev.fanout.output.")),
      Map.entry("command line and start-up", List.of("picocli.", "dev.fanout.cli.")));

  private static String stage(List<jdk.jfr.consumer.RecordedFrame> frames) {
    for (jdk.jfr.consumer.RecordedFrame f : frames) {
      String where = f.getMethod().getType().getName() + "." + f.getMethod().getName();
      for (Map.Entry<String, List<String>> st : STAGES) {
        for (String mark : st.getValue()) {
          if (where.contains(mark)) {
            return st.getKey();
          }
        }
      }
    }
    return "JVM and JDK alone (class loading, JIT, GC threads' Java side)";
  }

  private List<String> growthHeads() {
    List<String> heads = new ArrayList<>();
    for (int i = 1; i < sizes.size(); i++) {
      heads.add(String.format(Locale.ROOT, "%,d / %,d", sizes.get(i), sizes.get(i - 1)));
    }
    return heads;
  }

  /** A release of {@code n} publications over two prebuilt binaries. */
  static void generate(Path dir, int n) throws IOException {
    Files.createDirectories(dir.resolve("bin"));
    Files.writeString(dir.resolve("bin/app-linux-amd64"), "#!/bin/sh\necho app linux\n");
    Files.writeString(dir.resolve("bin/app-darwin-arm64"), "#!/bin/sh\necho app darwin\n");
    StringBuilder f = new StringBuilder("""
        release "scale" {
          version     = "1.0.0"
          description = "A generated release for the scale benchmark"
          license     = "MIT"
        }

        artifact "linux" {
          os      = "linux"
          arch    = "amd64"
          sources = ["bin/app-linux-amd64"]
        }

        artifact "darwin" {
          os      = "darwin"
          arch    = "arm64"
          sources = ["bin/app-darwin-arm64"]
        }

        """);
    for (int i = 0; i < n; i++) {
      String name = String.format(Locale.ROOT, "pkg%05d", i / 3);
      switch (i % 3) {
        case 0 -> f.append("npm \"").append(name).append("\" {\n  package  = \"").append(name)
            .append("\"\n  binaries = [artifact.linux, artifact.darwin]\n}\n\n");
        case 1 -> f.append("pypi \"").append(name).append("\" {\n  project  = \"").append(name)
            .append("\"\n  binaries = [artifact.linux, artifact.darwin]\n}\n\n");
        default -> f.append("github_packages \"").append(name).append("\" {\n  package  = \"@scale/").append(name)
            .append("\"\n  binaries = [artifact.linux, artifact.darwin]\n}\n\n");
      }
    }
    Files.writeString(dir.resolve("release.fanout"), f);
  }

  static long peakHeapKb(Path gcLog) throws IOException {
    if (!Files.exists(gcLog)) {
      return 0;
    }
    long peak = 0;
    long atExit = 0;
    Pattern pause = Pattern.compile("(\\d+)M->(\\d+)M\\(");
    Pattern used = Pattern.compile("(new generation|tenured generation|PSYoungGen|ParOldGen)\\s+total \\d+K, used (\\d+)K");
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = pause.matcher(line);
      if (m.find()) {
        peak = Math.max(peak, Long.parseLong(m.group(1)) * 1024);
      }
      Matcher u = used.matcher(line);
      if (u.find()) {
        atExit += Long.parseLong(u.group(2));
      }
    }
    return Math.max(peak, atExit);
  }

  // ---- processes and files

  /** This harness in a fresh JVM with the launcher's flags, for a probe that times steps in process. */
  List<String> probe(List<String> extra, String... args) {
    List<String> cmd = new ArrayList<>(List.of("java"));
    cmd.addAll(JAVA_OPTS);
    cmd.addAll(extra);
    cmd.addAll(List.of("-cp", jar.toString(), repo.resolve("bench/Bench.java").toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  static List<String> concat(List<String> base, String... args) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(args));
    return all;
  }

  static String lastLine(String out) {
    String[] l = out.strip().split("\n");
    return l[l.length - 1];
  }

  record Run(long wallMs, int exit, String out, long maxRssKb) { }

  List<String> java(List<String> extra, String... args) {
    List<String> cmd = new ArrayList<>(List.of("java"));
    cmd.addAll(JAVA_OPTS);
    cmd.addAll(extra);
    cmd.addAll(List.of("-jar", jar.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  Run execOk(List<String> cmd, Path dir, Map<String, String> env) throws IOException, InterruptedException {
    Run r = exec(cmd, dir, env);
    if (r.exit != 0) {
      throw new IllegalStateException("exit " + r.exit + " from " + String.join(" ", cmd) + ":\n" + r.out);
    }
    return r;
  }

  /** Runs a command under /usr/bin/time when there is one (for the peak RSS). */
  Run exec(List<String> cmd, Path dir, Map<String, String> env) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    Path rssFile = work.resolve("rss.txt");
    Files.deleteIfExists(rssFile);
    boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
    if (timed) {
      full.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rssFile.toString()));
    }
    full.addAll(cmd);
    ProcessBuilder pb = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().remove("FANOUT_JAVA_OPTS");
    if (env != null) {
      pb.environment().putAll(env);
    }
    Path outFile = work.resolve("out.txt");
    pb.redirectOutput(outFile.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    int exit = p.waitFor();
    long wall = millis(t0);
    long rss = 0;
    if (timed && Files.exists(rssFile)) {
      List<String> l = Files.readAllLines(rssFile);
      rss = l.isEmpty() ? 0 : Long.parseLong(l.get(l.size() - 1).trim());
    }
    return new Run(wall, exit, Files.readString(outFile), rss);
  }

  Path copyExample(String name) throws IOException {
    Path from = repo.resolve("examples/contextlite");
    Path to = work.resolve(name);
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path rel = from.relativize(p);
        if (rel.toString().startsWith(".fanout")) {
          continue;
        }
        Path t = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  static String latencyFault(String operation) {
    return "[{\"registry\": \"*\", \"operation\": \"" + operation + "\", \"latency_ms\": " + LATENCY_MS + "}]";
  }

  static long lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> l = Files.lines(file)) {
      return l.count();
    }
  }

  static long writesSince(Path file, long skip) throws IOException {
    try (Stream<String> l = Files.lines(file)) {
      return l.skip(skip).filter(s -> s.contains("\"write\":true")).count();
    }
  }

  /**
   * Writes that publish something: every write but the Docker credential probe, which starts
   * an upload session and cancels it (only a started upload proves push rights) at every plan.
   */
  static long publishingWritesSince(Path file, long skip) throws IOException {
    try (Stream<String> l = Files.lines(file)) {
      return l.skip(skip).filter(s -> s.contains("\"write\":true"))
          .filter(s -> !(s.contains("/blobs/uploads/") && (s.contains("\"POST\"") || s.contains("\"DELETE\""))))
          .count();
    }
  }

  // ---- jmh: the inner pieces in process (bench/jmh, Maven profile jmh)

  /** What each benchmark method measures, for the table. */
  static final Map<String, String> JMH_PIECES = Map.of(
      "LoadBenchmark.parse", "parse (text to syntax tree)",
      "LoadBenchmark.load", "load (read, parse, check, evaluate)",
      "GraphBenchmark.build", "graph (ReleaseGraph.of)",
      "DiffBenchmark.differ", "diff (Differ, every target)",
      "DiffBenchmark.plan", "plan (Planner: diff, blocks, fingerprints)");

  String jmh() throws Exception {
    log("jmh");
    Path benchmarks = repo.resolve("target/jmh/benchmarks.jar");
    if (stale(benchmarks, "src/main", "grammar", "providers", "bench/jmh", "pom.xml")) {
      log("jmh: building target/jmh/benchmarks.jar (mvn -Pjmh package)");
      execOk(List.of("mvn", "-q", "-B", "-ntp", "-Pjmh", "package", "-Dmaven.test.skip=true"), repo, null);
    }
    List<String> releases = new ArrayList<>(List.of("contextlite"));
    sizes.forEach(n -> releases.add(String.valueOf(n)));
    Path json = work.resolve("jmh.json");
    // Modest settings keep the section to a few minutes; the template's Method says how to run it in full.
    execOk(List.of("java", "-cp", benchmarks.toString(), "org.openjdk.jmh.Main", "-f", "1", "-wi", "2", "-i", "5",
        "-w", "1s", "-r", "1s", "-p", "release=" + String.join(",", releases), "-rf", "json", "-rff", json.toString()),
        repo, null);
    Map<String, Integer> publications = new HashMap<>();
    publications.put("contextlite", new ConfigLoader(Providers.load(), Map.of(), Map.of(), p -> null)
        .load(repo.resolve("examples/contextlite")).config().publications().size());
    sizes.forEach(n -> publications.put(String.valueOf(n), n));
    // benchmark -> release -> median of the measurement iterations, in nanoseconds per operation
    Map<String, Map<String, Long>> medians = new LinkedHashMap<>();
    StringBuilder s = new StringBuilder("## JMH: the inner pieces, in process\n\n");
    s.append("Steady state in one forked JVM with JMH's default flags (C2, not the launcher's C1 only), average time "
        + "per operation: 2 warm-up and 5 measured iterations of 1 s. The median is of the 5 iterations; the error is "
        + "JMH's 99.9% interval of the mean. Per publication is the median divided by the release's publications.\n\n");
    s.append("| piece | release | publications | median | mean ± error | per publication |\n"
        + "| --- | --- | ---: | ---: | ---: | ---: |\n");
    for (JsonNode r : JSON.readTree(json.toFile())) {
      String name = r.get("benchmark").asText().replaceFirst("^.*\\.(\\w+\\.\\w+)$", "$1");
      String release = r.get("params").get("release").asText();
      JsonNode metric = r.get("primaryMetric");
      double toNanos = nanosPer(metric.get("scoreUnit").asText());
      List<Long> iterations = new ArrayList<>();
      metric.get("rawData").forEach(fork -> fork.forEach(v -> iterations.add(Math.round(v.asDouble() * toNanos))));
      long median = median(iterations);
      medians.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(release, median);
      int n = publications.get(release);
      s.append("| ").append(JMH_PIECES.getOrDefault(name, name)).append(" | ").append(release).append(" | ")
          .append(String.format(Locale.ROOT, "%,d", n)).append(" | ").append(nanos(median)).append(" | ")
          .append(nanos(Math.round(metric.get("score").asDouble() * toNanos))).append(" ± ")
          .append(nanos(Math.round(metric.get("scoreError").asDouble() * toNanos))).append(" | ")
          .append(nanos(median / n)).append(" |\n");
    }
    s.append("\nGrowth (median time per operation for 10x the publications; 10 is linear, more is superlinear):\n\n");
    s.append("| piece | ").append(String.join(" | ", growthHeads())).append(" |\n| --- |")
        .append(" ---: |".repeat(Math.max(0, sizes.size() - 1))).append("\n");
    medians.forEach((name, byRelease) -> {
      s.append("| ").append(JMH_PIECES.getOrDefault(name, name));
      for (int i = 1; i < sizes.size(); i++) {
        s.append(" | ").append(ratio(byRelease.get(String.valueOf(sizes.get(i))), byRelease.get(String.valueOf(sizes.get(i - 1)))));
      }
      s.append(" |\n");
    });
    String largest = String.valueOf(sizes.get(sizes.size() - 1));
    long load = medians.get("LoadBenchmark.load").get(largest);
    long parse = medians.get("LoadBenchmark.parse").get(largest);
    long graph = medians.get("GraphBenchmark.build").get(largest);
    long plan = medians.get("DiffBenchmark.plan").get(largest);
    long total = load + graph + plan;
    s.append(String.format(Locale.ROOT, "%nAt %,d publications the in-process steps besides the refresh take %s: "
        + "load %s (%d%%; of it parse %s, check and evaluate %s), graph %s (%d%%), plan %s (%d%%).%n%n",
        publications.get(largest), nanos(total), nanos(load), load * 100 / total, nanos(parse), nanos(load - parse),
        nanos(graph), graph * 100 / total, nanos(plan), plan * 100 / total));
    return s.toString();
  }

  /** Whether the jar is missing or older than any file under the given paths. */
  boolean stale(Path jar, String... paths) throws IOException {
    if (!Files.exists(jar)) {
      return true;
    }
    long built = Files.getLastModifiedTime(jar).toMillis();
    for (String p : paths) {
      try (Stream<Path> all = Files.walk(repo.resolve(p))) {
        if (all.anyMatch(f -> f.toFile().lastModified() > built)) {
          return true;
        }
      }
    }
    return false;
  }

  static double nanosPer(String jmhUnit) {
    return switch (jmhUnit) {
      case "ns/op" -> 1;
      case "us/op" -> 1e3;
      case "ms/op" -> 1e6;
      case "s/op" -> 1e9;
      default -> throw new IllegalArgumentException("unexpected JMH unit " + jmhUnit + " (the benchmarks use avgt)");
    };
  }

  static String nanos(long ns) {
    return ns >= 10_000_000 ? String.format(Locale.ROOT, "%,d ms", ns / 1_000_000)
        : ns >= 1_000_000 ? String.format(Locale.ROOT, "%.2f ms", ns / 1e6)
        : ns >= 1_000 ? String.format(Locale.ROOT, "%.1f µs", ns / 1e3) : ns + " ns";
  }

  // ---- figures

  static long median(List<Long> v) {
    List<Long> s = new ArrayList<>(v);
    s.sort(Comparator.naturalOrder());
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static String ms(long ms) {
    return ms >= 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : ms + " ms";
  }

  static String list(List<Long> v) {
    return String.join(", ", v.stream().map(x -> String.valueOf(x)).toList()) + " ms";
  }

  static String ratio(long a, long b) {
    return String.format(Locale.ROOT, "%.2f", a / (double) Math.max(1, b));
  }

  static String percent(long now, long base) {
    double p = (now - base) * 100.0 / Math.max(1, base);
    return String.format(Locale.ROOT, "%+.0f%% (%d ms -> %d ms)", p, base, now);
  }

  static long millis(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static void log(String section) {
    System.err.println("[bench] " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + section + " (load "
        + loadAverage() + ")");
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return String.valueOf(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  String machine() throws IOException {
    String mem = "?";
    Path meminfo = Path.of("/proc/meminfo");
    if (Files.exists(meminfo)) {
      for (String l : Files.readAllLines(meminfo)) {
        if (l.startsWith("MemTotal:")) {
          mem = Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024 + " GB";
        }
      }
    }
    String commit = "?";
    try {
      commit = exec(List.of("git", "rev-parse", "--short", "HEAD"), repo, null).out.trim();
    } catch (IOException | InterruptedException e) {
      // not a checkout: leave it unknown
    }
    return "## The machine and the run\n\n"
        + "| | |\n| --- | --- |\n"
        + "| date | " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " |\n"
        + "| commit | " + commit + " |\n"
        + "| nproc | " + Runtime.getRuntime().availableProcessors() + " |\n"
        + "| memory | " + mem + " |\n"
        + "| java | " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " |\n"
        + "| JVM flags | " + String.join(" ", JAVA_OPTS) + " (the `./fanout` launcher's) |\n"
        + "| load average (1, 5, 15 min) | before: " + loads.get(0) + "; after: {{LOAD_AFTER}} |\n"
        + "| repetitions | " + reps + " (medians; 10,000-publication runs at most 3) |\n";
  }
}

/** Steps timed inside one JVM; each prints one JSON line of step name to milliseconds. */
final class Probes {

  private static final Map<String, Long> OUT = new LinkedHashMap<>();
  private static long wall0 = System.nanoTime();
  private static long cpu0 = cpu();

  static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "--probe-startup" -> startup(Path.of(args[1]), Path.of(args[2]));
      case "--probe-scale" -> scale(Path.of(args[1]), Path.of(args[2]));
      default -> throw new IllegalArgumentException(args[0]);
    }
    System.out.println(Bench.JSON.writeValueAsString(OUT));
  }

  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1_000_000;
  }

  static void mark(String step) {
    long w = System.nanoTime();
    long c = cpu();
    OUT.put(step, (w - wall0) / 1_000_000);
    OUT.put(step + ".cpu", c - cpu0);
    wall0 = System.nanoTime();
    cpu0 = cpu();
  }

  /** What a plan does before its first request: the providers, the HTTP client (TLS), the sandbox, the loader. */
  static void startup(Path config, Path sandboxDir) throws Exception {
    wall0 = System.nanoTime();
    cpu0 = cpu();
    Providers providers = Providers.load();
    mark("load the providers (ServiceLoader)");
    javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((java.security.KeyStore) null);
    javax.net.ssl.SSLContext.getInstance("TLS").init(null, tmf.getTrustManagers(), null);
    mark("TLS alone: trust store (cacerts) and SSLContext");
    dev.fanout.http.Http.client("bench", dev.fanout.http.Http.Policy.standard());
    mark("first HTTP client (OkHttp classes and platform, after TLS)");
    dev.fanout.http.Http.client("bench", dev.fanout.http.Http.Policy.standard());
    mark("second HTTP client");
    try (Sandbox sb = Sandbox.start(sandboxDir, "empty")) {
      mark("start the sandbox (every emulator)");
      ConfigLoader.Result r = new ConfigLoader(providers, Map.of(), Map.of(), p -> null).withSandbox(sb.urls()).load(config);
      mark("load examples/minimal");
      try (Engine ws = Bench.open(r.config(), providers, sb)) {
        mark("open the workspace");
        new Refresher(ws.targets(), 10).refresh(ws.config().publications().keySet(), n -> { });
        mark("refresh (1 target)");
      }
    }
    OUT.keySet().removeIf(k -> k.endsWith(".cpu"));
  }

  /**
   * The plan of a large generated release, step by step, then the refresh again warm, and
   * warm without the credential checks (what checking them once per provider block would give).
   */
  static void scale(Path config, Path sandboxDir) throws Exception {
    try (Sandbox sb = Sandbox.start(sandboxDir, "empty")) {
      mark("start the sandbox");
      Providers providers = Providers.load();
      ConfigLoader.Result r = new ConfigLoader(providers, Map.of(), Map.of(), p -> null).withSandbox(sb.urls()).load(config);
      mark("load: parse, check, evaluate");
      try (Engine ws = Bench.open(r.config(), providers, sb)) {
        mark("open the workspace (graph, providers)");
        java.util.Set<Address> scope = new java.util.LinkedHashSet<>(ws.config().publications().keySet());
        dev.fanout.refresh.Snapshot snap = new Refresher(ws.targets(), 10).refresh(scope, n -> { });
        mark("refresh (credentials, read, desired; parallelism 10)");
        dev.fanout.plan.Plan plan = ws.plan(snap, scope, false);
        mark("diff (Planner)");
        dev.fanout.plan.PlanJson.write(plan, java.io.Writer.nullWriter());
        mark("render as JSON");
        new Refresher(ws.targets(), 10).refresh(scope, n -> { });
        mark("refresh again, warm");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        List<java.util.concurrent.Future<?>> all = new ArrayList<>();
        for (Address a : scope) {
          all.add(pool.submit(() -> {
            ws.targets().get(a).provider().read(ws.targets().get(a).publication());
            ws.targets().get(a).provider().desired(ws.targets().get(a).publication());
            return null;
          }));
        }
        for (java.util.concurrent.Future<?> f : all) {
          f.get();
        }
        pool.shutdown();
        mark("warm, read and desired only (no credential checks)");
        long requests = Bench.lines(sandboxDir.resolve("requests.jsonl"));
        OUT.put("requests to the sandbox (3 refreshes)", requests);
      }
    }
  }
}

/**
 * The peers, side by side: a monorepo of 200 npm packages of which 150 are already on a local
 * Verdaccio, and each tool publishes the missing 50. Every run starts from the same seeded
 * storage (a fresh copy, Verdaccio restarted, neither timed) and is checked afterwards: a run
 * that leaves any package without 1.0.0 is a failure, not a figure.
 */
final class Peers {

  static final int PACKAGES = 200;
  static final int PUBLISHED = 150;
  static final String SCOPE = "@bench";
  static final String VERSION = "1.0.0";
  /** Verdaccio's user for every tool; its token is signed with a secret kept in the storage copy. */
  static final String USER = "bench";
  static final String PASSWORD = "bench-password-1";

  /** A tool under comparison: how it is named in the table and the command that publishes. */
  record Tool(String name, String version, String command) { }

  /** A Verdaccio process on its own port, serving one copy of the storage. */
  record Verdaccio(Process process, String url, Path home) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  final Bench b;
  final Path dir;
  final Path peersHome;
  final Path verdaccioHome;
  final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
  /** The seed's token: valid on every copy, since Verdaccio signs it with a secret kept in the storage. */
  String token;

  Peers(Bench b) {
    this.b = b;
    this.dir = b.work.resolve("peers");
    String cache = System.getProperty("user.home") + "/.cache/fanout";
    this.peersHome = Path.of(System.getenv().getOrDefault("FANOUT_PEERS_DIR", cache + "/peers"));
    this.verdaccioHome = Path.of(System.getenv().getOrDefault("FANOUT_VERDACCIO_DIR", cache + "/verdaccio"));
  }

  String run() throws Exception {
    Bench.log("peers: install");
    install();
    Files.createDirectories(dir);
    Path mono = dir.resolve("mono");
    monorepo(mono);
    Path seeded = seed(mono);
    List<Tool> tools = List.of(
        new Tool("changesets", version("@changesets/cli"), "changeset publish --no-git-tag"),
        new Tool("Lerna", version("lerna"), "lerna publish from-package --yes"),
        new Tool("Fanout", "this commit", "fanout apply --auto-approve"));
    Map<String, List<Long>> walls = new LinkedHashMap<>();
    Map<String, Long> rss = new HashMap<>();
    Map<String, List<String>> loads = new LinkedHashMap<>();
    String loadBefore = Bench.loadAverage();
    for (int r = 0; r < b.reps; r++) {
      // The order turns each repetition so that no tool always runs first or last on a machine
      // whose load drifts.
      for (int i = 0; i < tools.size(); i++) {
        Tool t = tools.get((i + r) % tools.size());
        Bench.log("peers: " + t.name() + " " + (r + 1) + "/" + b.reps);
        loads.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(Bench.loadAverage().split(" ")[0]);
        Bench.Run run = publish(t, seeded, mono, "run-" + r + "-" + t.name());
        walls.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(run.wallMs());
        rss.merge(t.name(), run.maxRssKb(), Math::max);
      }
    }
    return report(tools, walls, rss, loads, loadBefore);
  }

  // ---- the peers and Verdaccio, installed pinned outside the work tree

  /** npm ci of bench/peers into the cache folder, again whenever the pinned lock file changes. */
  void install() throws Exception {
    Path lock = b.repo.resolve("bench/peers/package-lock.json");
    Path installedLock = peersHome.resolve("package-lock.json");
    boolean current = Files.exists(peersHome.resolve("node_modules/.package-lock.json")) && Files.exists(installedLock)
        && Files.mismatch(lock, installedLock) == -1;
    if (!current) {
      Files.createDirectories(peersHome);
      Files.copy(b.repo.resolve("bench/peers/package.json"), peersHome.resolve("package.json"),
          StandardCopyOption.REPLACE_EXISTING);
      Files.copy(lock, installedLock, StandardCopyOption.REPLACE_EXISTING);
      b.execOk(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), peersHome, null);
    }
    if (!Files.isExecutable(verdaccioHome.resolve("node_modules/.bin/verdaccio"))) {
      b.execOk(List.of("bash", b.repo.resolve(".ci/install.d/npm.sh").toString()), b.repo, null);
    }
  }

  String version(String pkg) throws IOException {
    return Bench.JSON.readTree(peersHome.resolve("node_modules/" + pkg + "/package.json").toFile()).get("version").asText();
  }

  // ---- the monorepo

  static String pkg(int i) {
    return String.format(Locale.ROOT, "pkg-%03d", i);
  }

  /**
   * 200 packages under packages/, npm workspaces, lerna.json, .changeset/config.json, and a
   * git repository with everything committed (Lerna checks the working tree), plus the
   * release file Fanout reads: one npm block over the package folders.
   */
  void monorepo(Path mono) throws Exception {
    Files.createDirectories(mono.resolve(".changeset"));
    Files.writeString(mono.resolve("package.json"),
        "{\n  \"name\": \"bench-monorepo\",\n  \"private\": true,\n  \"workspaces\": [\"packages/*\"]\n}\n");
    Files.writeString(mono.resolve("lerna.json"),
        "{\n  \"version\": \"independent\",\n  \"packages\": [\"packages/*\"],\n  \"npmClient\": \"npm\"\n}\n");
    Files.writeString(mono.resolve(".changeset/config.json"), "{\n  \"changelog\": false,\n  \"commit\": false,\n"
        + "  \"access\": \"public\",\n  \"baseBranch\": \"main\",\n  \"updateInternalDependencies\": \"patch\",\n"
        + "  \"ignore\": []\n}\n");
    Files.writeString(mono.resolve(".gitignore"), "node_modules\n.fanout\n");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < PACKAGES; i++) {
      Path p = mono.resolve("packages/" + pkg(i));
      Files.createDirectories(p);
      Files.writeString(p.resolve("package.json"), "{\n  \"name\": \"" + SCOPE + "/" + pkg(i) + "\",\n  \"version\": \""
          + VERSION + "\",\n  \"description\": \"Package " + i + " of the peers benchmark\",\n"
          + "  \"main\": \"index.js\",\n  \"license\": \"MIT\"\n}\n");
      Files.writeString(p.resolve("index.js"), "module.exports = function () {\n  return " + i + ";\n};\n");
      names.add("\"" + pkg(i) + "\"");
    }
    Files.writeString(mono.resolve("release.fanout"), releaseFile(names, "packages/"));
    Map<String, String> git = Map.of("GIT_AUTHOR_NAME", "bench", "GIT_AUTHOR_EMAIL", "bench@localhost",
        "GIT_COMMITTER_NAME", "bench", "GIT_COMMITTER_EMAIL", "bench@localhost");
    for (List<String> cmd : List.of(List.of("git", "init", "-q", "-b", "main"), List.of("git", "add", "-A"),
        List.of("git", "commit", "-q", "-m", "the peers benchmark's monorepo"))) {
      b.execOk(cmd, mono, git);
    }
  }

  /** One npm block over the folders; the registry comes in as a variable, the token from the environment. */
  static String releaseFile(List<String> names, String prefix) {
    return "release \"bench\" {\n  version = \"" + VERSION + "\"\n}\n\n"
        + "variable \"registry\" {\n  type = string\n}\n\n"
        + "provider \"npm\" {\n  registry = var.registry\n  token    = env(\"NPM_TOKEN\")\n}\n\n"
        + "npm \"pkg\" {\n  for_each  = [" + String.join(", ", names) + "]\n"
        + "  package   = \"" + SCOPE + "/${each.key}\"\n  directory = \"" + prefix + "${each.key}\"\n}\n";
  }

  // ---- Verdaccio: seeded once, then a fresh copy of the seed for every run

  /**
   * Verdaccio's home with the first 150 packages published (by Fanout, from a release file of
   * only those; not timed), checked to hold exactly those 150.
   */
  Path seed(Path mono) throws Exception {
    Bench.log("peers: seed " + PUBLISHED + " of " + PACKAGES);
    Path home = dir.resolve("verdaccio-seed");
    Files.createDirectories(home);
    Files.copy(b.repo.resolve("bench/peers/verdaccio.yaml"), home.resolve("config.yaml"));
    Path seedConfig = dir.resolve("seed-release");
    Files.createDirectories(seedConfig);
    List<String> first = new ArrayList<>();
    for (int i = 0; i < PUBLISHED; i++) {
      first.add("\"" + pkg(i) + "\"");
    }
    Files.writeString(seedConfig.resolve("release.fanout"),
        releaseFile(first, seedConfig.relativize(mono.resolve("packages")) + "/"));
    try (Verdaccio v = start(home)) {
      token = login(v);
      Bench.Run run = b.execOk(b.java(List.of(), "apply", seedConfig.toString(), "--auto-approve", "--no-color"),
          seedConfig, Map.of("NPM_TOKEN", token, "FANOUT_VAR_registry", v.url()));
      System.err.println("[bench] seeded in " + Bench.ms(run.wallMs()));
      int[] present = present(v);
      if (present[0] != PUBLISHED || present[1] != PACKAGES - PUBLISHED) {
        throw new IllegalStateException("the seed holds " + present[0] + " packages at " + VERSION + ", not " + PUBLISHED);
      }
    }
    return home;
  }

  Verdaccio start(Path home) throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    Path log = home.resolve("verdaccio.log");
    Process p = new ProcessBuilder(verdaccioHome.resolve("node_modules/.bin/verdaccio").toString(),
        "--config", home.resolve("config.yaml").toString(), "--listen", "127.0.0.1:" + port)
        .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Verdaccio v = new Verdaccio(p, url, home);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("Verdaccio exited: " + Files.readString(log));
      }
      try {
        if (get(url + "/-/ping").statusCode() == 200) {
          return v;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    v.close();
    throw new IllegalStateException("Verdaccio did not start in 60 s: " + Files.readString(log));
  }

  /** Verdaccio's adduser: the user and its token. */
  String login(Verdaccio v) throws Exception {
    String body = Bench.JSON.writeValueAsString(Map.of("name", USER, "password", PASSWORD));
    java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(v.url() + "/-/user/org.couchdb.user:" + USER))
        .header("content-type", "application/json")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("Verdaccio refused the user (HTTP " + r.statusCode() + "): " + r.body());
    }
    return Bench.JSON.readTree(r.body()).get("token").asText();
  }

  java.net.http.HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).GET().build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /**
   * How many packages the registry holds at 1.0.0 with {@code latest} on it and a tarball it
   * serves, and how many it does not hold at all; a package in neither state is a failure.
   */
  int[] present(Verdaccio v) throws Exception {
    int at = 0;
    int absent = 0;
    for (int i = 0; i < PACKAGES; i++) {
      String name = SCOPE + "/" + pkg(i);
      java.net.http.HttpResponse<String> r = get(v.url() + "/" + name.replace("/", "%2f"));
      if (r.statusCode() == 404) {
        absent++;
        continue;
      }
      JsonNode doc = Bench.JSON.readTree(r.body());
      String tarball = doc.path("versions").path(VERSION).path("dist").path("tarball").asText("");
      if (r.statusCode() != 200 || !VERSION.equals(doc.path("dist-tags").path("latest").asText())
          || tarball.isEmpty() || get(tarball).statusCode() != 200) {
        throw new IllegalStateException(name + " is on the registry but not at " + VERSION + " (HTTP "
            + r.statusCode() + "): " + r.body());
      }
      at++;
    }
    return new int[] {at, absent};
  }

  // ---- one timed run

  /**
   * Restores the seed, starts Verdaccio, runs the tool on a fresh copy of the monorepo with a
   * cold npm cache, and checks that all 200 are there afterwards. Only the command is timed.
   */
  Bench.Run publish(Tool t, Path seeded, Path mono, String name) throws Exception {
    Path runDir = dir.resolve(name);
    Path home = runDir.resolve("verdaccio");
    copyTree(seeded, home);
    Files.deleteIfExists(home.resolve("verdaccio.log"));
    Path repo = runDir.resolve("mono");
    copyTree(mono, repo);
    try (Verdaccio v = start(home)) {
      String host = v.url().replaceFirst("^http:", "");
      Path npmrc = runDir.resolve("npmrc");
      Files.writeString(npmrc, "registry=" + v.url() + "/\n" + host + "/:_authToken=" + token + "\n");
      Map<String, String> env = new HashMap<>();
      env.put("npm_config_userconfig", npmrc.toString());
      env.put("npm_config_registry", v.url() + "/");
      env.put("npm_config_cache", runDir.resolve("npm-cache").toString());
      env.put("npm_config_update_notifier", "false");
      env.put("npm_config_audit", "false");
      env.put("npm_config_fund", "false");
      // Lerna runs on Nx: no daemon and no cloud, as in a CI job.
      env.put("NX_DAEMON", "false");
      env.put("NX_NO_CLOUD", "true");
      env.put("NPM_TOKEN", token);
      env.put("FANOUT_VAR_registry", v.url());
      Path bin = peersHome.resolve("node_modules/.bin");
      List<String> cmd = switch (t.name()) {
        case "changesets" -> List.of(bin.resolve("changeset").toString(), "publish", "--no-git-tag");
        case "Lerna" -> List.of(bin.resolve("lerna").toString(), "publish", "from-package", "--yes",
            "--registry", v.url() + "/");
        default -> b.java(List.of(), "apply", repo.toString(), "--auto-approve", "--no-color");
      };
      Bench.Run run = b.exec(cmd, repo, env);
      Files.writeString(runDir.resolve("output.txt"), run.out());
      if (run.exit() != 0) {
        throw new IllegalStateException(t.name() + " failed (exit " + run.exit() + "): " + run.out());
      }
      int[] present = present(v);
      if (present[0] != PACKAGES) {
        throw new IllegalStateException(t.name() + " left " + present[1] + " of " + PACKAGES + " packages unpublished; "
            + "its output is in " + runDir.resolve("output.txt"));
      }
      return run;
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  // ---- the section

  String report(List<Tool> tools, Map<String, List<Long>> walls, Map<String, Long> rss,
      Map<String, List<String>> loads, String loadBefore) throws Exception {
    long fanout = Bench.median(walls.get("Fanout"));
    StringBuilder s = new StringBuilder("## Peers: the missing " + (PACKAGES - PUBLISHED) + " of a " + PACKAGES
        + "-package monorepo into Verdaccio\n\n");
    s.append("Verdaccio ").append(Bench.JSON.readTree(verdaccioHome.resolve("node_modules/verdaccio/package.json")
            .toFile()).get("version").asText())
        .append(" on loopback, Node ").append(b.execOk(List.of("node", "--version"), dir, null).out().strip())
        .append(", npm ").append(Bench.lastLine(b.execOk(List.of("npm", "--version"), dir, null).out()).strip())
        .append(". Load average ").append(loadBefore).append(" before the timed runs, ").append(Bench.loadAverage())
        .append(" after. Every run checked afterwards: all ").append(PACKAGES).append(" packages at ")
        .append(VERSION).append(" with their tarball served.\n\n");
    s.append("| tool | version | command | median wall | runs | load (1 min) at each start | peak RSS "
        + "(largest process) |\n| --- | --- | --- | ---: | --- | --- | ---: |\n");
    for (Tool t : tools) {
      List<Long> v = walls.get(t.name());
      s.append("| ").append(t.name()).append(" | ").append(t.version()).append(" | `").append(t.command())
          .append("` | ").append(Bench.ms(Bench.median(v))).append(" | ").append(Bench.list(v)).append(" | ")
          .append(String.join(", ", loads.get(t.name()))).append(" | ")
          .append(rss.get(t.name()) > 0 ? rss.get(t.name()) / 1024 + " MB" : "n/a").append(" |\n");
    }
    s.append("\nRatios of the medians: changesets / Fanout = **")
        .append(Bench.ratio(Bench.median(walls.get("changesets")), fanout)).append("**, Lerna / Fanout = **")
        .append(Bench.ratio(Bench.median(walls.get("Lerna")), fanout)).append("**.\n\n");
    return s.toString();
  }
}

/**
 * Fanout and JReleaser side by side on one job: a GitHub release of three prebuilt archives,
 * a Homebrew formula committed to a tap and a Scoop manifest committed to a bucket, both
 * published into the same served sandbox (its GitHub emulator: REST API, uploads and git
 * smart HTTP), each from the same fresh state, each command timed whole from the outside.
 */
final class JReleaserPeer {

  static final String PLUGIN_VERSION = "1.23.0";
  static final String PLUGIN = "org.jreleaser:jreleaser-maven-plugin:" + PLUGIN_VERSION;
  static final String VERSION = "1.0.0";
  static final String OWNER = "bench";
  static final String NAME = "hello";
  static final String TAP = "homebrew-tap";
  static final String BUCKET = "scoop-bucket";
  /** The sandbox's write token: both tools get it from the environment, as a CI job gets its token. */
  static final String TOKEN = "fanout-sandbox-token";
  /** JReleaser's brew and scoop packagers take zip archives for a BINARY distribution, so all three are zips. */
  static final List<String> PLATFORMS = List.of("darwin-amd64", "linux-amd64", "windows-amd64");
  static final List<String> TOOLS = List.of("Fanout", "JReleaser");

  /** A {@code fanout sandbox serve} process and its GitHub emulator's URL. */
  record Served(Process process, String github) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** One timed command: its wall time, peak RSS, and the requests it made (all, and of them git's). */
  record Timed(long wallMs, long maxRssKb, long requests, long gitRequests, String jreleaserSays) { }

  final Bench b;
  final Path dir;
  final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

  JReleaserPeer(Bench b) {
    this.b = b;
    this.dir = b.work.resolve("jreleaser");
  }

  String run() throws Exception {
    Bench.log("jreleaser: project and plugin");
    Path project = dir.resolve("project");
    project(project);
    resolvePlugin(project);
    String loadBefore = Bench.loadAverage();
    // Maven's own start (JVM, model, the plugin's resolution from the local repository) on the same project.
    List<Long> mavenStart = new ArrayList<>();
    for (int r = 0; r < b.reps; r++) {
      mavenStart.add(b.execOk(List.of("mvn", "-B", "-o", "-q", "validate"), project, null).wallMs());
    }
    Map<Integer, Map<String, List<Timed>>> runs = new LinkedHashMap<>();
    Map<Integer, String[]> loads = new LinkedHashMap<>();
    for (int latency : List.of(0, Bench.LATENCY_MS)) {
      String before = Bench.loadAverage();
      for (int r = 0; r < b.reps; r++) {
        // Fanout first on even repetitions, JReleaser first on odd ones: neither always meets the
        // machine first or last while its load drifts.
        for (int i = 0; i < TOOLS.size(); i++) {
          String tool = TOOLS.get((i + r) % TOOLS.size());
          Bench.log("jreleaser: " + tool + ", " + latency + " ms per request, " + (r + 1) + "/" + b.reps);
          Timed t = publish(tool, latency, project, dir.resolve("run-" + latency + "-" + r + "-" + tool));
          runs.computeIfAbsent(latency, k -> new LinkedHashMap<>()).computeIfAbsent(tool, k -> new ArrayList<>()).add(t);
        }
      }
      loads.put(latency, new String[] {before, Bench.loadAverage()});
    }
    return report(project, mavenStart, runs, loads, loadBefore);
  }

  // ---- the project both tools release

  /**
   * Three small zips under dist/, the release file Fanout reads, the pom JReleaser's Maven plugin
   * runs in, committed to git: both tools release that commit, which the sandbox's GitHub holds.
   * jreleaser.yml is written per run (it names the sandbox's port) and ignored by git, as
   * Fanout's .fanout folder is: Fanout releases only a clean work tree.
   */
  void project(Path p) throws Exception {
    Files.createDirectories(p.resolve("dist"));
    for (String platform : PLATFORMS) {
      try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(
          Files.newOutputStream(p.resolve("dist/" + archive(platform))))) {
        boolean windows = platform.startsWith("windows");
        java.util.zip.ZipEntry e = new java.util.zip.ZipEntry(windows ? NAME + ".cmd" : NAME);
        e.setTime(0);
        zip.putNextEntry(e);
        zip.write((windows ? "@echo hello " + VERSION + "\r\n" : "#!/bin/sh\necho hello " + VERSION + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    StringBuilder artifacts = new StringBuilder();
    for (String platform : PLATFORMS) {
      String[] oa = platform.split("-");
      artifacts.append("    \"").append(platform).append("\" = { os = \"").append(oa[0]).append("\", arch = \"")
          .append(oa[1]).append("\", file = \"dist/").append(archive(platform)).append("\" }\n");
    }
    Files.writeString(p.resolve("release.fanout"), "release \"" + NAME + "\" {\n  version     = \"" + VERSION + "\"\n"
        + "  description = \"Says hello\"\n  license     = \"MIT\"\n  homepage    = \"https://example.com/hello\"\n}\n\n"
        + "artifact \"archive\" {\n  for_each = {\n" + artifacts + "  }\n  os      = each.value.os\n"
        + "  arch    = each.value.arch\n  sources = [each.value.file]\n}\n\n"
        + "provider \"github\" {\n  token = env(\"GITHUB_TOKEN\")\n}\n\n"
        + "github_release \"main\" {\n  repository = \"" + OWNER + "/" + NAME + "\"\n  assets     = artifact.archive\n}\n\n"
        + "homebrew \"" + NAME + "\" {\n  repository = \"" + OWNER + "/" + TAP + "\"\n"
        + "  assets     = github_release.main.assets\n}\n\n"
        + "scoop \"" + NAME + "\" {\n  repository = \"" + OWNER + "/" + BUCKET + "\"\n"
        + "  assets     = github_release.main.assets\n}\n");
    Files.writeString(p.resolve("pom.xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n"
        + "  <groupId>" + OWNER + "</groupId>\n  <artifactId>" + NAME + "</artifactId>\n  <version>" + VERSION
        + "</version>\n  <packaging>pom</packaging>\n  <description>Says hello</description>\n  <build>\n"
        + "    <plugins>\n      <plugin>\n        <groupId>org.jreleaser</groupId>\n"
        + "        <artifactId>jreleaser-maven-plugin</artifactId>\n        <version>" + PLUGIN_VERSION + "</version>\n"
        + "        <configuration>\n          <configFile>${project.basedir}/jreleaser.yml</configFile>\n"
        + "        </configuration>\n      </plugin>\n    </plugins>\n  </build>\n</project>\n");
    Files.writeString(p.resolve(".gitignore"), ".fanout/\ntarget/\njreleaser.yml\n");
    for (List<String> cmd : List.of(List.of("git", "init", "-q", "-b", "main"), List.of("git", "add", "-A"),
        List.of("git", "commit", "-q", "-m", "hello " + VERSION))) {
      b.execOk(cmd, p, git());
    }
  }

  static String archive(String platform) {
    return NAME + "-" + VERSION + "-" + platform + ".zip";
  }

  static Map<String, String> git() {
    return Map.of("GIT_AUTHOR_NAME", "bench", "GIT_AUTHOR_EMAIL", "bench@localhost",
        "GIT_COMMITTER_NAME", "bench", "GIT_COMMITTER_EMAIL", "bench@localhost");
  }

  /**
   * JReleaser's configuration for one sandbox: every GitHub URL it derives from {@code host}
   * (API, repository, clone, download) points at the emulator; the tap and the bucket are found
   * through the API, whose {@code clone_url} is the emulator's git smart HTTP.
   */
  static String jreleaserYml(String github) {
    String repo = github + "/" + OWNER + "/" + NAME;
    StringBuilder artifacts = new StringBuilder();
    for (String platform : PLATFORMS) {
      String jr = platform.replace("darwin", "osx").replace("amd64", "x86_64");
      artifacts.append("      - path: dist/").append(archive(platform)).append("\n        platform: ").append(jr).append("\n");
    }
    return "project:\n  name: " + NAME + "\n  version: " + VERSION + "\n  description: Says hello\n"
        + "  longDescription: Says hello\n  license: MIT\n  copyright: 2026 bench\n  authors: [bench]\n"
        + "  links:\n    homepage: https://example.com/hello\n"
        + "release:\n  github:\n    host: " + github.replaceFirst("^https?://", "") + "\n    apiEndpoint: " + github + "\n"
        + "    owner: " + OWNER + "\n    name: " + NAME + "\n    username: bench\n"
        + "    repoUrl: " + repo + "\n    repoCloneUrl: " + github + "/git/" + OWNER + "/" + NAME + ".git\n"
        + "    commitUrl: " + repo + "/commits\n    srcUrl: " + repo + "/blob/{{repoBranch}}\n"
        + "    downloadUrl: " + repo + "/releases/download/{{tagName}}/{{artifactFile}}\n"
        + "    releaseNotesUrl: " + repo + "/releases/tag/{{tagName}}\n"
        + "    latestReleaseUrl: " + repo + "/releases/latest\n    issueTrackerUrl: " + repo + "/issues\n"
        + "distributions:\n  " + NAME + ":\n    type: BINARY\n    artifacts:\n" + artifacts
        + "packagers:\n  brew:\n    active: ALWAYS\n    multiPlatform: true\n    repository:\n"
        + "      owner: " + OWNER + "\n      name: " + TAP + "\n"
        + "  scoop:\n    active: ALWAYS\n    repository:\n      owner: " + OWNER + "\n      name: " + BUCKET + "\n";
  }

  /** The plugin from the local Maven repository, fetched once (online) when it is not there. */
  void resolvePlugin(Path project) throws Exception {
    List<String> help = List.of("mvn", "-B", "-ntp", "-q", PLUGIN + ":help");
    Bench.Run offline;
    try {
      offline = b.exec(concatOffline(help), project, null);
    } catch (IOException e) {
      throw new IllegalStateException("the jreleaser section runs JReleaser's Maven plugin and needs mvn on the PATH: "
          + e.getMessage(), e);
    }
    if (offline.exit() == 0) {
      return;
    }
    Bench.log("jreleaser: fetching " + PLUGIN + " (once, online)");
    Bench.Run online = b.exec(help, project, null);
    if (online.exit() != 0) {
      throw new IllegalStateException("JReleaser's Maven plugin " + PLUGIN + " is not in the local Maven repository "
          + "and could not be fetched. Fetch it once with network access to a Maven repository (or the mirror in "
          + "~/.m2/settings.xml): mvn -B " + PLUGIN + ":help\n" + tail(online.out()));
    }
  }

  static List<String> concatOffline(List<String> mvn) {
    List<String> cmd = new ArrayList<>(mvn);
    cmd.add(1, "-o");
    return cmd;
  }

  // ---- one timed run

  /**
   * A fresh served sandbox with the three repositories (the project's holding its commit, the
   * tap and the bucket with a README on main, as they are before a first release), the fault
   * file for the latency, then the tool's command, timed; then the check of what it published.
   */
  Timed publish(String tool, int latency, Path project, Path runDir) throws Exception {
    Path sandbox = runDir.resolve("sandbox");
    Path repo = runDir.resolve("project");
    Files.createDirectories(sandbox);
    Peers.copyTree(project, repo);
    try (Served s = serve(sandbox)) {
      createRepo(s, NAME, false);
      createRepo(s, TAP, true);
      createRepo(s, BUCKET, true);
      String origin = s.github() + "/git/" + OWNER + "/" + NAME + ".git";
      b.execOk(List.of("git", "remote", "add", "origin", origin), repo, null);
      b.execOk(List.of("git", "-c", "http.extraHeader=Authorization: token " + TOKEN, "push", "-q", "origin", "main"),
          repo, null);
      Files.writeString(repo.resolve("jreleaser.yml"), jreleaserYml(s.github()));
      Path faults = sandbox.resolve("faults.json");
      if (latency > 0) {
        // Written after the set-up, read by the sandbox at every request: only the tool waits.
        Files.writeString(faults, "[{\"registry\": \"*\", \"operation\": \"any\", \"latency_ms\": " + latency + "}]");
      }
      Path log = sandbox.resolve("requests.jsonl");
      long before = Bench.lines(log);
      List<String> cmd = tool.equals("Fanout")
          ? b.java(List.of(), "apply", repo.toString(), "--sandbox=" + sandbox, "--auto-approve", "--no-color")
          : List.of("mvn", "-B", "-o", "-ntp", "jreleaser:full-release");
      Bench.Run run = b.exec(cmd, repo, Map.of("GITHUB_TOKEN", TOKEN, "JRELEASER_GITHUB_TOKEN", TOKEN));
      Files.writeString(runDir.resolve("output.txt"), run.out());
      if (run.exit() != 0) {
        throw new IllegalStateException(tool + " failed (exit " + run.exit() + ", " + latency + " ms per request); "
            + "its output is in " + runDir.resolve("output.txt") + ", ending:\n" + tail(run.out()));
      }
      List<String> made;
      try (Stream<String> l = Files.lines(log)) {
        made = l.skip(before).toList();
      }
      Files.deleteIfExists(faults);
      try {
        check(s.github(), project);
      } catch (IllegalStateException e) {
        // JReleaser logs a failed tap or bucket push as a warning and exits 0: the check is what says.
        throw new IllegalStateException(tool + " did not publish everything (" + latency + " ms per request): "
            + e.getMessage() + "\nIts output is in " + runDir.resolve("output.txt") + ", ending:\n" + tail(run.out()), e);
      }
      Matcher says = Pattern.compile("JReleaser succeeded after ([0-9.]+) s").matcher(run.out());
      return new Timed(run.wallMs(), run.maxRssKb(), made.size(),
          made.stream().filter(x -> x.contains("\"path\":\"/git/")).count(), says.find() ? says.group(1) : null);
    }
  }

  /** The output's warnings and errors (where JReleaser says a push failed), then its last 40 lines. */
  static String tail(String out) {
    List<String> l = List.of(out.split("\n"));
    List<String> said = l.stream().filter(x -> x.contains("[WARNING]") || x.contains("[ERROR]")).limit(20).toList();
    return (said.isEmpty() ? "" : String.join("\n", said) + "\n...\n")
        + String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()));
  }

  /** {@code fanout sandbox serve --dir DIR}; its first line of output maps the registries to their URLs. */
  Served serve(Path sandbox) throws Exception {
    Path out = sandbox.getParent().resolve("sandbox.out");
    Process p = new ProcessBuilder(b.java(List.of(), "sandbox", "serve", "--dir", sandbox.toString(), "--no-color"))
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      String first = Files.exists(out) ? Files.readString(out).split("\n", 2)[0] : "";
      if (first.startsWith("{") && first.endsWith("}")) {
        return new Served(p, Bench.JSON.readTree(first).get("github").asText());
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("fanout sandbox serve exited: " + Files.readString(out));
      }
      Thread.sleep(100);
    }
    new Served(p, "").close();
    throw new IllegalStateException("fanout sandbox serve did not start in 60 s: " + Files.readString(out));
  }

  void createRepo(Served s, String name, boolean readme) throws Exception {
    java.net.http.HttpResponse<String> r = send(s.github() + "/orgs/" + OWNER + "/repos",
        "{\"name\": \"" + name + "\", \"auto_init\": " + readme + "}");
    if (r.statusCode() != 201) {
      throw new IllegalStateException("the sandbox did not create " + OWNER + "/" + name + " (HTTP " + r.statusCode()
          + "): " + r.body());
    }
  }

  java.net.http.HttpResponse<String> send(String url, String postBody) throws Exception {
    java.net.http.HttpRequest.Builder q = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
        .header("Authorization", "token " + TOKEN).header("Accept", "application/vnd.github+json");
    q = postBody == null ? q.GET() : q.POST(java.net.http.HttpRequest.BodyPublishers.ofString(postBody));
    return http.send(q.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  // ---- the check: what a user of the release would fetch

  /**
   * The release v1.0.0 is published with the three archives, each served with the bytes of the
   * file; the tap's Formula/hello.rb has version 1.0.0 and, for darwin and linux, a URL that
   * serves that archive and its SHA-256; the bucket's bucket/hello.json the same for windows.
   */
  void check(String github, Path project) throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<String, String> sha = new LinkedHashMap<>();
    for (String platform : PLATFORMS) {
      byte[] bytes = Files.readAllBytes(project.resolve("dist/" + archive(platform)));
      files.put(platform, bytes);
      sha.put(platform, java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
    }
    java.net.http.HttpResponse<String> rel = send(github + "/repos/" + OWNER + "/" + NAME + "/releases/tags/v" + VERSION, null);
    if (rel.statusCode() != 200) {
      throw new IllegalStateException("no published release v" + VERSION + " (HTTP " + rel.statusCode() + ")");
    }
    JsonNode release = Bench.JSON.readTree(rel.body());
    for (String platform : PLATFORMS) {
      JsonNode asset = null;
      for (JsonNode a : release.path("assets")) {
        if (a.path("name").asText().equals(archive(platform))) {
          asset = a;
        }
      }
      if (asset == null || !asset.path("state").asText().equals("uploaded")) {
        throw new IllegalStateException("the release lacks " + archive(platform));
      }
      served(asset.path("browser_download_url").asText(), files.get(platform), "the release's " + archive(platform));
    }
    String formula = content(github, TAP, "Formula/" + NAME + ".rb");
    if (!formula.contains("version \"" + VERSION + "\"")) {
      throw new IllegalStateException("Formula/" + NAME + ".rb does not say version \"" + VERSION + "\":\n" + formula);
    }
    List<String> urls = new ArrayList<>();
    Matcher url = Pattern.compile("url \"([^\"]+)\"").matcher(formula);
    while (url.find()) {
      urls.add(url.group(1));
    }
    for (String platform : List.of("darwin-amd64", "linux-amd64")) {
      String u = urls.stream().filter(x -> x.endsWith("/" + archive(platform))).findFirst().orElseThrow(
          () -> new IllegalStateException("Formula/" + NAME + ".rb has no URL of " + archive(platform) + ":\n" + formula));
      if (!formula.contains(sha.get(platform))) {
        throw new IllegalStateException("Formula/" + NAME + ".rb lacks the SHA-256 of " + archive(platform));
      }
      served(u, files.get(platform), "the formula's URL " + u);
    }
    String manifestText = content(github, BUCKET, "bucket/" + NAME + ".json");
    JsonNode manifest = Bench.JSON.readTree(manifestText);
    JsonNode windows = manifest.has("url") ? manifest : manifest.path("architecture").path("64bit");
    String u = windows.path("url").asText();
    if (!manifest.path("version").asText().equals(VERSION) || !u.endsWith("/" + archive("windows-amd64"))
        || !windows.path("hash").asText().replaceFirst("^sha256:", "").equals(sha.get("windows-amd64"))) {
      throw new IllegalStateException("bucket/" + NAME + ".json is not version " + VERSION + " with the windows archive's "
          + "URL and SHA-256:\n" + manifestText);
    }
    served(u, files.get("windows-amd64"), "the manifest's URL " + u);
  }

  /** A file on the repository's default branch, through the contents API. */
  String content(String github, String repo, String path) throws Exception {
    java.net.http.HttpResponse<String> r = send(github + "/repos/" + OWNER + "/" + repo + "/contents/" + path, null);
    if (r.statusCode() != 200) {
      throw new IllegalStateException(OWNER + "/" + repo + " has no " + path + " on its default branch (HTTP "
          + r.statusCode() + ")");
    }
    return new String(java.util.Base64.getMimeDecoder().decode(Bench.JSON.readTree(r.body()).path("content").asText()),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  void served(String url, byte[] expected, String what) throws Exception {
    java.net.http.HttpResponse<byte[]> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).GET()
        .build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200 || !java.util.Arrays.equals(r.body(), expected)) {
      throw new IllegalStateException(what + " does not serve the archive (HTTP " + r.statusCode() + ", "
          + r.body().length + " bytes)");
    }
  }

  // ---- the section

  String report(Path project, List<Long> mavenStart, Map<Integer, Map<String, List<Timed>>> runs,
      Map<Integer, String[]> loads, String loadBefore) throws Exception {
    String maven = b.execOk(List.of("mvn", "-B", "-v"), project, null).out().replaceAll("\u001B\\[[;\\d]*m", "").lines()
        .filter(l -> l.startsWith("Apache Maven")).findFirst().orElse("Maven ?").replaceAll(" \\(.*", "");
    StringBuilder s = new StringBuilder("## JReleaser: a GitHub release with a tap and a bucket, on the sandbox\n\n");
    s.append("Three zips (darwin, linux, windows) released as v").append(VERSION).append(" of ").append(OWNER).append("/")
        .append(NAME).append(" with their checksums, `Formula/hello.rb` committed to ").append(OWNER).append("/").append(TAP)
        .append(" and `bucket/hello.json` to ").append(OWNER).append("/").append(BUCKET)
        .append(", by each tool into its own fresh `fanout sandbox serve` (same repositories, nothing published). ")
        .append(maven).append(", JReleaser's Maven plugin ").append(PLUGIN_VERSION).append(" run offline. Load average ")
        .append(loadBefore).append(" before the timed runs, ").append(Bench.loadAverage()).append(" after. Every run was ")
        .append("checked afterwards: the release with its three archives served byte for byte, the formula and the "
            + "manifest at ").append(VERSION).append(" with URLs that serve those archives and their SHA-256.\n\n");
    s.append("Maven's own start on the same project (`mvn -o -q validate`: JVM, POM, no plugin run): median ")
        .append(Bench.ms(Bench.median(mavenStart))).append(" (").append(Bench.list(mavenStart)).append(").\n\n");
    for (Map.Entry<Integer, Map<String, List<Timed>>> e : runs.entrySet()) {
      int latency = e.getKey();
      s.append("### ").append(latency == 0 ? "Instant sandbox" : latency + " ms on every request").append("\n\n")
          .append("Load average ").append(loads.get(latency)[0]).append(" before, ").append(loads.get(latency)[1])
          .append(" after.\n\n| tool | version | command | median wall | runs | peak RSS (largest process) "
              + "| requests (of them git) |\n| --- | --- | --- | ---: | --- | ---: | --- |\n");
      for (String tool : TOOLS) {
        List<Timed> t = e.getValue().get(tool);
        List<Long> walls = t.stream().map(Timed::wallMs).toList();
        long rss = t.stream().mapToLong(Timed::maxRssKb).max().orElse(0);
        s.append("| ").append(tool).append(" | ").append(tool.equals("Fanout") ? "this commit" : PLUGIN_VERSION)
            .append(" | `").append(tool.equals("Fanout") ? "fanout apply --sandbox=DIR --auto-approve"
                : "mvn -o jreleaser:full-release").append("` | ").append(Bench.ms(Bench.median(walls))).append(" | ")
            .append(Bench.list(walls)).append(" | ").append(rss > 0 ? rss / 1024 + " MB" : "n/a").append(" | ")
            .append(String.join(", ", t.stream().map(x -> x.requests() + " (" + x.gitRequests() + ")").toList()))
            .append(" |\n");
      }
      long fanout = Bench.median(e.getValue().get("Fanout").stream().map(Timed::wallMs).toList());
      long jr = Bench.median(e.getValue().get("JReleaser").stream().map(Timed::wallMs).toList());
      s.append("\nJReleaser / Fanout = **").append(Bench.ratio(jr, fanout)).append("**");
      List<String> says = e.getValue().get("JReleaser").stream().map(Timed::jreleaserSays).filter(x -> x != null).toList();
      if (!says.isEmpty()) {
        s.append("; JReleaser's own \"succeeded after\" (inside Maven): ").append(String.join(", ", says)).append(" s");
      }
      s.append(".\n\n");
    }
    return s.toString();
  }
}
