package dev.fanout.apply;

import dev.fanout.artifact.LocalArtifacts;
import dev.fanout.graph.ReleaseGraph;
import dev.fanout.model.Address;
import dev.fanout.model.Config;
import dev.fanout.plan.Action;
import dev.fanout.plan.Plan;
import dev.fanout.plan.PlannedChange;
import dev.fanout.refresh.Acknowledgements;
import dev.fanout.target.Targets;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import okhttp3.OkHttpClient;

/**
 * Apply of one plan: the targets the plan settled are reported as planned, with no call to
 * their registry; the others and everything they need are walked, each node by its step
 * (build, artifact, publish).
 */
public final class Applier {

  /**
   * Limits and retry policy of one run.
   *
   * @param upstreamPublications run the publications a planned target depends on (as
   *     {@code --target} does); false runs only the planned ones and their builds, which is
   *     how the sandbox seeds a registry state where a dependent exists without its hub
   */
  public record Options(int parallelism, int attempts, Duration nodeDeadline, boolean upstreamPublications,
      Duration visibilityWait) {
    public static Options standard(int parallelism) {
      return new Options(parallelism, 4, Duration.ofMinutes(15), true, null);
    }

    public Options withoutUpstreamPublications() {
      return new Options(parallelism, attempts, nodeDeadline, false, visibilityWait);
    }

    /** Waits at most {@code wait} for an acknowledged write to show, instead of each registry's {@code visibility}. */
    public Options withVisibilityWait(Duration wait) {
      return new Options(parallelism, attempts, nodeDeadline, upstreamPublications, wait);
    }
  }

  private final Config config;
  private final ReleaseGraph graph;
  private final Targets targets;
  private final LocalArtifacts artifacts;
  private final OkHttpClient http;
  private final Path stateDir;
  private final Acknowledgements acknowledged;
  private final Options options;

  public Applier(Config config, ReleaseGraph graph, Targets targets, LocalArtifacts artifacts, OkHttpClient http,
      Path stateDir, Acknowledgements acknowledged, Options options) {
    this.config = config;
    this.graph = graph;
    this.targets = targets;
    this.artifacts = artifacts;
    this.http = http;
    this.stateDir = stateDir;
    this.acknowledged = acknowledged;
    this.options = options;
  }

  public ApplyResult apply(Plan plan, Journal journal, Walker.Listener listener) throws InterruptedException {
    long started = System.nanoTime();
    Set<Address> toRun = nodesToRun(plan);
    List<NodeResult> results = new ArrayList<>();
    for (PlannedChange c : plan.changes()) {
      if (!toRun.contains(c.address()) && !withdrawnLater(c)) {
        NodeResult r = settled(c);
        results.add(r);
        journal.record(c.address(), r.status().name().toLowerCase(Locale.ROOT), r.detail());
        listener.finished(r);
      }
    }
    for (Address a : graph.order()) {
      if (toRun.contains(a)) {
        PlannedChange c = plan.change(a);
        journal.record(a, "planned", c == null ? graph.kind(a).name().toLowerCase(Locale.ROOT) : c.action().jsonName());
      }
    }
    BuildRunner builds = new BuildRunner(config.dir(), stateDir, options.nodeDeadline());
    Publisher publisher = new Publisher(targets, plan, journal, acknowledged, options, http.readTimeoutMillis(),
        dev.fanout.provider.Backport.requested(config.release()));
    Walker.Step step = a -> switch (graph.kind(a)) {
      case BUILD -> build(builds, a);
      case ARTIFACT -> artifact(a);
      case PUBLICATION -> publisher.publish(a);
    };
    results.addAll(new Walker(graph, journal, listener, options.parallelism()).walk(toRun, step));
    withdraw(plan, journal, listener, results);
    if (!artifacts.builtNow().isEmpty()) {
      recordBuilds(journal);
    }
    return new ApplyResult(plan.release(), plan.version(), results, (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * After the publishes, the withdrawals: targets the plan withdraws from, targets just
   * published that have a withdrawal step too, and (when the release's own version is
   * withdrawn) targets the plan could not read. Their results replace the publish results.
   */
  private void withdraw(Plan plan, Journal journal, Walker.Listener listener, List<NodeResult> results) {
    java.util.Map<Address, NodeResult> toWithdraw = new java.util.LinkedHashMap<>();
    for (PlannedChange c : plan.changes()) {
      NodeResult published = results.stream().filter(r -> r.address().equals(c.address())).findFirst().orElse(null);
      if (withdrawnLater(c) || (c.action().writes() && c.withdraws() && published != null)) {
        toWithdraw.put(c.address(), withdrawnLater(c) ? null : published);
      }
    }
    if (toWithdraw.isEmpty()) {
      return;
    }
    var withdrawn = new Withdrawer(graph, targets, config.withdrawals(), config.release().version(), journal, options)
        .run(plan, toWithdraw, listener);
    results.removeIf(r -> withdrawn.containsKey(r.address()));
    results.addAll(withdrawn.values());
  }

  /** A target whose only work is withdrawing: it ends in the withdrawal step, not as settled by the plan. */
  private boolean withdrawnLater(PlannedChange c) {
    return c.action() == Action.WITHDRAW || (c.action() == Action.UNKNOWN && ownVersionWithdrawn());
  }

  private boolean ownVersionWithdrawn() {
    return config.withdrawals().withdrawn(config.release().version());
  }

  /**
   * A build whose record vouches for its outputs is not run again: the plan showed their
   * digests, and a build that is not reproducible would publish other bytes.
   */
  private NodeResult build(BuildRunner builds, Address a) {
    if (artifacts.stale(a) == null) {
      return new NodeResult(a, Status.DONE, null, "up to date (recorded in .fanout/build.json)", null, 0, List.of());
    }
    NodeResult r = builds.build(a, config.builds().get(a));
    if (r.status() == Status.DONE) {
      artifacts.built(a);
    }
    return r;
  }

  /** The next plan shows what this run built; a record that cannot be written only costs that. */
  private void recordBuilds(Journal journal) {
    try {
      artifacts.recordBuilds();
    } catch (IOException e) {
      journal.record(null, "build_record_not_written", e.getMessage());
    }
  }

  /**
   * Runs every build step in dependency order, one at a time ({@code fanout build}); a step
   * whose build dependency failed is not run.
   */
  public static List<NodeResult> buildAll(Config config, ReleaseGraph graph, LocalArtifacts artifacts, Path stateDir,
      java.util.function.Predicate<Address> only) {
    BuildRunner runner = new BuildRunner(config.dir(), stateDir, Duration.ofMinutes(15));
    List<NodeResult> results = new ArrayList<>();
    Set<Address> failed = new LinkedHashSet<>();
    for (Address a : graph.order()) {
      if (graph.kind(a) != ReleaseGraph.Kind.BUILD || !only.test(a)) {
        continue;
      }
      Address cause = graph.ancestors(a).stream().filter(failed::contains).findFirst().orElse(null);
      if (cause != null) {
        failed.add(a);
        results.add(new NodeResult(a, Status.BLOCKED, "build", cause + " failed", cause.toString(), 0, List.of()));
        continue;
      }
      NodeResult r = runner.build(a, config.builds().get(a));
      if (r.status() == Status.DONE) {
        artifacts.built(a);
      } else {
        failed.add(a);
      }
      results.add(r);
    }
    return results;
  }

  /** The nodes to run: every publication the plan would write (or could not read), and everything they need. */
  private Set<Address> nodesToRun(Plan plan) {
    Set<Address> writers = new LinkedHashSet<>();
    for (PlannedChange c : plan.changes()) {
      // A withdrawal needs no build, and a withdrawn version is never published.
      if (withdrawnLater(c)) {
        continue;
      }
      if (c.action().writes() || c.action() == Action.UNKNOWN) {
        writers.add(c.address());
      }
    }
    Set<Address> nodes = graph.closure(writers);
    if (!options.upstreamPublications()) {
      nodes.removeIf(a -> graph.kind(a) == ReleaseGraph.Kind.PUBLICATION && !writers.contains(a));
    }
    return nodes;
  }

  /** A target the plan settled: up to date, drifted or blocked, reported with the plan's reasons. */
  private static NodeResult settled(PlannedChange c) {
    Status s = switch (c.action()) {
      case NO_OP -> Status.UP_TO_DATE;
      case DRIFT -> Status.DRIFT;
      default -> Status.BLOCKED;
    };
    return new NodeResult(c.address(), s, s == Status.BLOCKED ? "plan" : null, String.join("; ", c.reasons()),
        null, 0, List.of());
  }

  private NodeResult artifact(Address a) {
    try {
      Path file = artifacts.resolve(a, http, stateDir.resolve("downloads"));
      return new NodeResult(a, Status.DONE, null, config.dir().relativize(file.toAbsolutePath()).toString()
          + " sha256:" + artifacts.sha256(a), null, 0, List.of());
    } catch (IOException e) {
      return failed(a, "resolve", e.getMessage());
    }
  }

  static NodeResult failed(Address a, String step, String detail) {
    return new NodeResult(a, Status.FAILED, step, detail, null, 0, List.of());
  }
}
