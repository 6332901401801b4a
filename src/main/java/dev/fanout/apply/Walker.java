package dev.fanout.apply;

import dev.fanout.engine.Workspace;
import dev.fanout.graph.ReleaseGraph;
import dev.fanout.model.Address;
import dev.fanout.model.BuildStep;
import dev.fanout.model.Publication;
import dev.fanout.plan.Action;
import dev.fanout.plan.Differ;
import dev.fanout.plan.Plan;
import dev.fanout.plan.PlannedChange;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Walks the release graph: every node whose dependencies are done runs at once, up to the
 * parallelism, as Terraform's walker does. A failure stops only that node's dependents,
 * which end blocked with the failure's name and cause; every independent node still runs.
 *
 * <p>A publication is never written twice: right before a write its registry is read again
 * and compared with what the release would publish, a transient failure is retried only
 * after another read (the first attempt may have landed), and after the write the registry
 * is read once more to verify it.
 */
public final class Walker {

  /** Hears about nodes as they start and end. Called from worker threads. */
  public interface Listener {
    void started(Address node);

    void finished(NodeResult result);
  }

  /** Limits and retry policy of one run. */
  /**
   * @param upstreamPublications run the publications a planned target depends on (as
   *     {@code --target} does); false runs only the planned ones and their builds, which is
   *     how the sandbox seeds a registry state where a dependent exists without its hub
   */
  public record Options(int parallelism, int attempts, Duration nodeDeadline, Map<String, Integer> perRegistry,
      boolean upstreamPublications) {
    public static Options standard(int parallelism) {
      return new Options(parallelism, 4, Duration.ofMinutes(15), Map.of("crates", 1), true);
    }

    public Options withoutUpstreamPublications() {
      return new Options(parallelism, attempts, nodeDeadline, perRegistry, false);
    }
  }

  private final Workspace ws;
  private final Plan plan;
  private final Journal journal;
  private final Listener listener;
  private final Options options;
  private final Map<String, Semaphore> registryLimits = new ConcurrentHashMap<>();

  public Walker(Workspace ws, Plan plan, Journal journal, Listener listener, Options options) {
    this.ws = ws;
    this.plan = plan;
    this.journal = journal;
    this.listener = listener;
    this.options = options;
  }

  /** The nodes to run: every publication the plan would write, and everything they need. */
  private Set<Address> nodesToRun() {
    Set<Address> writers = new LinkedHashSet<>();
    for (PlannedChange c : plan.changes()) {
      if (c.action().writes() || c.action() == Action.UNKNOWN) {
        writers.add(c.address());
      }
    }
    Set<Address> nodes = ws.graph().closure(writers);
    if (!options.upstreamPublications()) {
      nodes.removeIf(a -> ws.graph().kind(a) == ReleaseGraph.Kind.PUBLICATION && !writers.contains(a));
    }
    return nodes;
  }

  public ApplyResult run() throws InterruptedException {
    long started = System.nanoTime();
    ReleaseGraph graph = ws.graph();
    List<NodeResult> results = new ArrayList<>();
    Map<Address, NodeResult> byNode = new HashMap<>();
    Set<Address> toRun = nodesToRun();
    // Targets the plan already settled: reported as planned, with no call to their registry.
    for (PlannedChange c : plan.changes()) {
      if (!toRun.contains(c.address())) {
        NodeResult r = settled(c);
        results.add(r);
        byNode.put(c.address(), r);
        journal.record(c.address(), r.status().name().toLowerCase(java.util.Locale.ROOT), r.detail());
        listener.finished(r);
      }
    }
    Map<Address, Integer> waiting = new LinkedHashMap<>();
    dependents.clear();
    for (Address a : graph.order()) {
      if (toRun.contains(a)) {
        Set<Address> deps = nearestInRun(a, toRun);
        deps.forEach(d -> dependents.computeIfAbsent(d, k -> new java.util.TreeSet<>()).add(a));
        waiting.put(a, deps.size());
        journal.record(a, "planned", plannedDetail(a));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(options.parallelism(), toRun.size())), r -> {
      Thread t = new Thread(r, "fanout-apply");
      t.setDaemon(true);
      return t;
    });
    CompletionService<NodeResult> done = new ExecutorCompletionService<>(pool);
    int running = 0;
    try {
      for (Map.Entry<Address, Integer> w : waiting.entrySet()) {
        if (w.getValue() == 0) {
          submit(done, w.getKey());
          running++;
        }
      }
      while (running > 0) {
        NodeResult r;
        try {
          r = done.take().get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("a node failed unexpectedly", e.getCause());
        }
        running--;
        results.add(r);
        byNode.put(r.address(), r);
        listener.finished(r);
        List<Address> unblocked = new ArrayList<>();
        cascade(r, graph, toRun, waiting, byNode, results, unblocked);
        for (Address next : unblocked) {
          submit(done, next);
          running++;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return new ApplyResult(plan.release(), plan.version(), results, (System.nanoTime() - started) / 1_000_000);
  }

  /** In-run dependents of each in-run node, through nodes that do not run. */
  private final Map<Address, Set<Address>> dependents = new HashMap<>();

  /**
   * What {@code a} must wait for among the nodes that run: its dependencies, and where one
   * does not run (an upstream publication left out), that one's dependencies in turn, so a
   * target never starts before the builds it needs through it.
   */
  private Set<Address> nearestInRun(Address a, Set<Address> toRun) {
    Set<Address> out = new java.util.TreeSet<>();
    java.util.ArrayDeque<Address> todo = new java.util.ArrayDeque<>();
    Set<Address> seen = new java.util.HashSet<>();
    ws.graph().dependencies(a).forEach(e -> todo.add(e.to()));
    while (!todo.isEmpty()) {
      Address d = todo.pop();
      if (!seen.add(d)) {
        continue;
      }
      if (toRun.contains(d)) {
        out.add(d);
      } else {
        ws.graph().dependencies(d).forEach(e -> todo.add(e.to()));
      }
    }
    return out;
  }

  /** Releases the dependents of a finished node, or blocks them (and theirs) when it did not succeed. */
  private void cascade(NodeResult r, ReleaseGraph graph, Set<Address> toRun, Map<Address, Integer> waiting,
      Map<Address, NodeResult> byNode, List<NodeResult> results, List<Address> ready) {
    for (Address dependent : dependents.getOrDefault(r.address(), Set.of())) {
      if (byNode.containsKey(dependent)) {
        continue;
      }
      if (!r.status().ok()) {
        String root = r.rootCause() != null ? r.rootCause()
            : r.address() + " " + r.status().name().toLowerCase(java.util.Locale.ROOT)
                + (r.detail() == null ? "" : ": " + r.detail());
        NodeResult blocked = new NodeResult(dependent, Status.BLOCKED, null,
            "blocked by " + r.address(), root, 0, List.of());
        byNode.put(dependent, blocked);
        results.add(blocked);
        journal.record(dependent, "blocked", blocked.detail() + "; root cause: " + root);
        listener.finished(blocked);
        cascade(blocked, graph, toRun, waiting, byNode, results, ready);
      } else if (waiting.merge(dependent, -1, Integer::sum) == 0) {
        ready.add(dependent);
      }
    }
  }

  private void submit(CompletionService<NodeResult> done, Address a) {
    done.submit(() -> {
      listener.started(a);
      journal.record(a, "started", null);
      long t0 = System.nanoTime();
      NodeResult r;
      try {
        r = switch (ws.graph().kind(a)) {
          case BUILD -> build(a);
          case ARTIFACT -> artifact(a);
          case PUBLICATION -> publication(a);
        };
      } catch (RuntimeException e) {
        r = new NodeResult(a, Status.FAILED, "internal", ws.redactor().redact(String.valueOf(e)), null, 0, List.of());
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      NodeResult timed = new NodeResult(r.address(), r.status(), r.step(), ws.redactor().redact(r.detail()),
          r.rootCause(), ms, r.written());
      journal.record(a, timed.status().name().toLowerCase(java.util.Locale.ROOT),
          (timed.step() == null ? "" : timed.step() + ": ") + (timed.detail() == null ? "" : timed.detail()));
      return timed;
    });
  }

  private NodeResult settled(PlannedChange c) {
    Status s = switch (c.action()) {
      case NO_OP -> Status.UP_TO_DATE;
      case DRIFT -> Status.DRIFT;
      default -> Status.BLOCKED;
    };
    return new NodeResult(c.address(), s, s == Status.BLOCKED ? "plan" : null, String.join("; ", c.reasons()),
        null, 0, List.of());
  }

  private String plannedDetail(Address a) {
    PlannedChange c = plan.change(a);
    return c == null ? ws.graph().kind(a).name().toLowerCase(java.util.Locale.ROOT) : c.action().jsonName();
  }

  // ---- builds and artifacts

  private NodeResult build(Address a) {
    BuildStep step = ws.config().builds().get(a);
    Path dir = step.workdir() == null ? ws.config().dir() : ws.config().dir().resolve(step.workdir());
    List<String> command = step.shell() ? List.of("sh", "-c", String.join(" ", step.command())) : step.command();
    Path log = ws.stateDir().resolve("logs").resolve(a.toString().replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().putAll(step.env());
      Process p = pb.start();
      if (!p.waitFor(options.nodeDeadline().toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return failed(a, "build", "timed out after " + options.nodeDeadline().toMinutes() + " min; output in " + log);
      }
      if (p.exitValue() != 0) {
        return failed(a, "build", "exit " + p.exitValue() + ": " + lastLines(log) + " (full output: " + log + ")");
      }
      for (String out : step.outputs()) {
        if (!Files.isRegularFile(ws.config().dir().resolve(out))) {
          return failed(a, "build", "the command succeeded but did not make " + out);
        }
      }
      return new NodeResult(a, Status.DONE, null, "built " + String.join(", ", step.outputs()), null, 0, List.of());
    } catch (IOException e) {
      return failed(a, "build", "cannot run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(a, "build", "interrupted");
    }
  }

  private static String lastLines(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    List<String> tail = lines.subList(Math.max(0, lines.size() - 3), lines.size());
    return tail.isEmpty() ? "no output" : String.join(" / ", tail);
  }

  private NodeResult artifact(Address a) {
    try {
      Path file = ws.artifacts().resolve(a, ws.http(), ws.stateDir().resolve("downloads"));
      return new NodeResult(a, Status.DONE, null, ws.config().dir().relativize(file.toAbsolutePath()).toString()
          + " sha256:" + ws.artifacts().sha256(a), null, 0, List.of());
    } catch (IOException e) {
      return failed(a, "resolve", e.getMessage());
    }
  }

  // ---- publications

  private NodeResult publication(Address a) throws InterruptedException {
    Publication p = ws.publication(a);
    Provider provider = ws.provider(a);
    boolean mutable = ws.factory(a).mutable();
    String location = ws.location(a);
    Semaphore limit = registryLimits.computeIfAbsent(p.type(),
        t -> new Semaphore(options.perRegistry().getOrDefault(t, Integer.MAX_VALUE)));
    long deadline = System.nanoTime() + options.nodeDeadline().toNanos();
    RegistryException last = null;
    boolean wrote = false;
    List<String> written = new ArrayList<>();
    limit.acquire();
    try {
      for (int attempt = 1; attempt <= options.attempts() && System.nanoTime() < deadline; attempt++) {
        if (attempt > 1) {
          journal.record(a, "retry", "attempt " + attempt + " after: " + last.getMessage());
          long wait = backoff(attempt, last);
          if (wrote && timedOut(last)) {
            // The registry may still be working on the write we stopped waiting for, and would
            // take it after our read found nothing: a second write of the version. Give it
            // twice as long as it already had before reading again.
            wait = Math.max(wait, 2L * ws.http().readTimeoutMillis());
          }
          Thread.sleep(wait);
        }
        try {
          RegistryState before = provider.read(p);
          DesiredState desired = provider.desired(p);
          Differ.Verdict verdict = Differ.diff(before, desired, mutable, location);
          switch (verdict.action()) {
            case NO_OP -> {
              return new NodeResult(a, wrote ? Status.PUBLISHED : Status.UP_TO_DATE, null,
                  wrote ? "published (confirmed by a read after a retry)" : String.join("; ", verdict.reasons()),
                  null, 0, written);
            }
            case DRIFT -> {
              return new NodeResult(a, Status.DRIFT, "read", String.join("; ", verdict.reasons()) + ": "
                  + describe(verdict.items()), null, 0, written);
            }
            default -> { }
          }
          PlannedChange planned = plan.change(a);
          if (planned != null && planned.credentials() != null
              && (planned.credentials().startsWith("missing") || planned.credentials().startsWith("invalid")
                  || planned.credentials().startsWith("no-write"))) {
            return new NodeResult(a, Status.BLOCKED, "credentials", planned.credentials(), null, 0, written);
          }
          journal.record(a, "writing", String.join("; ", verdict.reasons()));
          // Set before the write: when its answer is lost and the retry's read finds the
          // version there, this run published it (it was reported "up to date" before).
          wrote = true;
          Provider.PublishResult result;
          try {
            result = provider.publish(p, before);
          } catch (IOException e) {
            // The connection broke during the write (a provider may let OkHttp's IOException
            // through): the write may have landed, so it is transient like a 5xx, and the
            // retry reads first. Before, it failed the target as a local "package" error.
            throw new RegistryException(p.type(), "publish", 0, "connection failed during the write: "
                + e.getMessage(), true, "it is retried after reading " + location + " again", e);
          }
          written.addAll(result.written());
          journal.record(a, "wrote", String.join(", ", result.written()));
          RegistryState after = provider.read(p);
          Differ.Verdict check = Differ.diff(after, desired, mutable, location);
          if (check.action() != Action.NO_OP) {
            return failed(a, "verify", "read back after publishing, " + location + " still differs: "
                + String.join("; ", check.reasons()) + " " + describe(check.items()));
          }
          journal.record(a, "verified", null);
          return new NodeResult(a, Status.PUBLISHED, null, describeWrite(verdict, result), null, 0, written);
        } catch (RegistryException e) {
          last = e;
          if (!e.isTransient()) {
            return failed(a, e.operation(), e.getMessage());
          }
        } catch (IOException e) {
          return failed(a, "package", e.getMessage());
        }
      }
      return failed(a, last == null ? "deadline" : last.operation(),
          "gave up after " + options.attempts() + " attempts: " + (last == null ? "deadline passed" : last.getMessage()));
    } finally {
      limit.release();
    }
  }

  private static String describeWrite(Differ.Verdict verdict, Provider.PublishResult result) {
    String what = result.detail() != null ? result.detail()
        : result.written().isEmpty() ? "published" : "wrote " + String.join(", ", result.written());
    return what + " (" + String.join("; ", verdict.reasons()) + ")";
  }

  private static String describe(List<PlannedChange.ItemChange> items) {
    List<String> parts = new ArrayList<>();
    for (PlannedChange.ItemChange i : items) {
      parts.add(i.item() + " " + (i.before() == null ? "missing" : i.before()) + " vs " + i.after());
    }
    return String.join(", ", parts);
  }

  /** Did the request fail because the registry stayed silent longer than the client waits? */
  static boolean timedOut(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException
          || (t instanceof java.io.InterruptedIOException && "timeout".equals(t.getMessage()))) {
        return true;
      }
    }
    return false;
  }

  private static long backoff(int attempt, RegistryException last) {
    long base = 250L << Math.min(attempt - 2, 6);
    return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

  private static NodeResult failed(Address a, String step, String detail) {
    return new NodeResult(a, Status.FAILED, step, detail, null, 0, List.of());
  }
}
