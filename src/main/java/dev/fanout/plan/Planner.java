package dev.fanout.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fanout.artifact.LocalArtifacts;
import dev.fanout.graph.ReleaseGraph;
import dev.fanout.model.Address;
import dev.fanout.model.Config;
import dev.fanout.model.Edge;
import dev.fanout.provider.Backport;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.Digests;
import dev.fanout.provider.RegistryState;
import dev.fanout.refresh.Snapshot;
import dev.fanout.refresh.TargetState;
import dev.fanout.target.Target;
import dev.fanout.target.Targets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Snapshot to {@link Plan}: one action per publication, in dependency order. A target is
 * blocked by its own missing credentials or artifacts and by a dependency that is blocked
 * or drifted; the reason names the cause.
 */
public final class Planner {

  private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private final Config config;
  private final ReleaseGraph graph;
  private final Targets targets;
  private final LocalArtifacts artifacts;

  public Planner(Config config, ReleaseGraph graph, Targets targets, LocalArtifacts artifacts) {
    this.config = config;
    this.graph = graph;
    this.targets = targets;
    this.artifacts = artifacts;
  }

  public Plan plan(Snapshot snapshot, Set<Address> scope, boolean partial) {
    MixedWorlds worlds = new MixedWorlds(targets);
    Map<Address, PlannedChange> changes = new LinkedHashMap<>();
    for (Address a : graph.order()) {
      if (graph.kind(a) != ReleaseGraph.Kind.PUBLICATION || !scope.contains(a)) {
        continue;
      }
      changes.put(a, change(targets.get(a), snapshot.get(a), changes, worlds));
    }
    List<String> warnings = new ArrayList<>();
    warnings.addAll(unvouchedBuilds(changes.keySet()));
    if (partial) {
      warnings.add("This plan covers only the targets given with --target and what they need; the rest of the"
          + " release is not planned. Use it for exceptional cases, not routinely.");
    }
    var r = config.release();
    return new Plan(r.name(), r.version(), r.versionSource(), config.hash(), config.dir().toString(),
        new ArrayList<>(changes.values()), warnings, partial, artifactDigests(changes.keySet()),
        null);
  }

  /**
   * What the plan's tarballs and manifests were made from: each artifact whose file it read,
   * prebuilt or vouched for by the build record. One known only after the build is not pinned.
   */
  private Map<String, String> artifactDigests(Set<Address> planned) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Address p : planned) {
      for (Address dep : graph.ancestors(p)) {
        if (graph.kind(dep) == ReleaseGraph.Kind.ARTIFACT) {
          String sha = artifacts.sha256(dep);
          if (sha != null) {
            out.put(dep.toString(), "sha256:" + sha);
          }
        }
      }
    }
    return out;
  }

  /**
   * Why outputs of the planned targets' builds that are on disk are not used: the plan would
   * otherwise show an older build's digests and apply publish other bytes.
   */
  private List<String> unvouchedBuilds(Set<Address> planned) {
    Map<String, List<String>> byReason = new LinkedHashMap<>();
    Set<Address> builds = new java.util.LinkedHashSet<>();
    for (Address p : planned) {
      graph.ancestors(p).stream().filter(a -> graph.kind(a) == ReleaseGraph.Kind.BUILD).forEach(builds::add);
    }
    for (Address b : builds) {
      String why = artifacts.stale(b);
      boolean onDisk = config.builds().get(b).outputs().stream()
          .anyMatch(o -> java.nio.file.Files.exists(config.dir().resolve(o)));
      if (why != null && onDisk) {
        byReason.computeIfAbsent(why, k -> new ArrayList<>()).add(b.toString());
      }
    }
    List<String> out = new ArrayList<>();
    byReason.forEach((why, names) -> out.add("The outputs on disk of " + String.join(", ", names)
        + " are not used: " + why + ". Their artifacts are (known after build) and apply builds them; run"
        + " fanout build first to see their digests in the plan."));
    return out;
  }

  private PlannedChange change(Target target, TargetState t, Map<Address, PlannedChange> earlier, MixedWorlds worlds) {
    Address a = target.address();
    String location = target.location();
    CredentialCheck credentials = t.credentials();
    String fingerprint = fingerprint(t.state());
    String mixed = worlds.blocked(target, t.desired());
    if (mixed != null) {
      // Known without the registry: whatever it holds, this content must not reach it.
      return new PlannedChange(a, target.type(), Action.BLOCKED, List.of(mixed), location, List.of(), t.state(),
          t.desired(), fingerprint, credentials);
    }
    if (t.state() == null) {
      return new PlannedChange(a, target.type(), Action.UNKNOWN, List.of("cannot read " + location + ": " + t.readError()),
          location, List.of(), null, t.desired(), fingerprint, credentials);
    }
    if (config.withdrawals().withdrawn(config.release().version())) {
      return withdrawal(target, t, fingerprint);
    }
    if (t.desired() == null) {
      return new PlannedChange(a, target.type(), Action.BLOCKED,
          List.of("cannot build what " + a + " would publish: " + t.desiredError()), location, List.of(), t.state(),
          null, fingerprint, credentials);
    }
    Differ.Verdict v = Differ.diff(t.state(), t.desired(), target.traits().mutable(), location,
        Backport.requested(config.release()));
    List<String> reasons = new ArrayList<>(v.reasons());
    Action action = v.action();
    if (action.writes()) {
      // One walk of the graph serves both questions.
      Set<Address> ancestors = graph.ancestors(a);
      String blockedBy = dependencyBlock(a, ancestors, earlier);
      List<String> missing = missingArtifacts(ancestors);
      if (blockedBy != null) {
        action = Action.BLOCKED;
        reasons.add(0, "blocked: " + blockedBy);
      } else if (t.state().refusal() != null) {
        action = Action.BLOCKED;
        reasons.add(0, "blocked: " + target.type() + " would refuse it: " + t.state().refusal());
      } else if (!missing.isEmpty()) {
        action = Action.BLOCKED;
        reasons.add(0, "blocked: no source available for " + String.join(", ", missing));
      } else if (credentials.refuses()) {
        action = Action.BLOCKED;
        reasons.add(0, "blocked: " + target.type() + " credentials: " + credentials.detail());
      } else if (credentials.status() == CredentialCheck.Status.ERROR) {
        reasons.add("credentials could not be checked: " + credentials.detail());
      }
    }
    if (action == Action.NO_OP && t.withdrawalPending()) {
      return withdrawal(target, t, fingerprint);
    }
    if (t.withdrawalError() != null) {
      reasons.add("cannot read what withdrawing means on " + location + ": " + t.withdrawalError());
    }
    if (credentials != null && credentials.named() && credentials.status() == CredentialCheck.Status.OK) {
      reasons.add(credentials.detail());
    }
    return new PlannedChange(a, target.type(), action, reasons, location, v.items(), t.state(), t.desired(),
        fingerprint, credentials, t.withdrawals());
  }

  /**
   * A target with nothing to publish and withdrawal steps (or the release's own version
   * withdrawn, which is then never published): the steps are the change. Builds and artifacts
   * do not matter; credentials do.
   */
  private PlannedChange withdrawal(Target target, TargetState t, String fingerprint) {
    Address a = target.address();
    String location = target.location();
    if (t.withdrawalError() != null) {
      return new PlannedChange(a, target.type(), Action.UNKNOWN, List.of("cannot read what withdrawing means on "
          + location + ": " + t.withdrawalError()), location, List.of(), t.state(), t.desired(), fingerprint,
          t.credentials(), t.withdrawals());
    }
    List<String> withdrawn = config.withdrawals().list().stream().map(w -> w.version()).toList();
    if (!t.withdrawalPending()) {
      long manual = t.withdrawals().size();
      return new PlannedChange(a, target.type(), Action.NO_OP, List.of(String.join(", ", withdrawn) + " withdrawn on "
          + location + (manual == 0 ? "" : " as far as it allows (" + manual + " manual step" + (manual == 1 ? "" : "s")
          + ")")), location, List.of(), t.state(), t.desired(), fingerprint, t.credentials(), t.withdrawals());
    }
    List<String> reasons = new ArrayList<>();
    reasons.add(withdrawn.isEmpty() ? "undo a withdrawal on " + location
        : "withdraw " + String.join(", ", withdrawn) + " on " + location);
    Action action = Action.WITHDRAW;
    if (t.credentials().refuses()) {
      action = Action.BLOCKED;
      reasons.add(0, "blocked: " + target.type() + " credentials: " + t.credentials().detail());
    }
    return new PlannedChange(a, target.type(), action, reasons, location, List.of(), t.state(), t.desired(),
        fingerprint, t.credentials(), t.withdrawals());
  }

  /** The first dependency (direct or not) that is blocked or drifted, with why. */
  private String dependencyBlock(Address a, Set<Address> ancestors, Map<Address, PlannedChange> earlier) {
    for (Address dep : ancestors) {
      PlannedChange c = earlier.get(dep);
      if (c != null && (c.action() == Action.BLOCKED || c.action() == Action.DRIFT)) {
        Edge why = graph.dependencies(a).stream().filter(e -> e.to().equals(dep)).findFirst().orElse(null);
        return dep + " is " + c.action().word() + (why == null ? "" : " (" + why.reason() + " at " + why.where() + ")");
      }
    }
    return null;
  }

  private List<String> missingArtifacts(Set<Address> ancestors) {
    List<String> missing = new ArrayList<>();
    for (Address dep : ancestors) {
      if (graph.kind(dep) == ReleaseGraph.Kind.ARTIFACT && !artifacts.obtainable(dep)) {
        missing.add(dep.toString());
      }
    }
    return missing;
  }

  /** A digest of what the registry held; null state (unreadable) has its own fixed value. */
  public static String fingerprint(RegistryState s) {
    try {
      byte[] bytes = JSON.writeValueAsBytes(PlanJson.before(s));
      return "sha256:" + Digests.sha256Hex(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
