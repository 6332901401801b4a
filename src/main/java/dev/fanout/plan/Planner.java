package dev.fanout.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fanout.engine.Workspace;
import dev.fanout.graph.ReleaseGraph;
import dev.fanout.model.Address;
import dev.fanout.model.Edge;
import dev.fanout.model.Publication;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Digests;
import dev.fanout.provider.RegistryState;
import dev.fanout.refresh.Snapshot;
import dev.fanout.refresh.TargetState;
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

  private Planner() {
  }

  public static Plan plan(Workspace ws, Snapshot snapshot, Set<Address> scope, boolean partial) {
    ReleaseGraph graph = ws.graph();
    Map<Address, PlannedChange> changes = new LinkedHashMap<>();
    for (Address a : graph.order()) {
      if (graph.kind(a) != ReleaseGraph.Kind.PUBLICATION || !scope.contains(a)) {
        continue;
      }
      changes.put(a, change(ws, a, snapshot.get(a), changes));
    }
    List<String> warnings = new ArrayList<>();
    if (partial) {
      warnings.add("This plan covers only the targets given with --target and what they need; the rest of the"
          + " release is not planned. Use it for exceptional cases, not routinely.");
    }
    var r = ws.config().release();
    return new Plan(r.name(), r.version(), r.versionSource(), ws.config().hash(), ws.config().dir().toString(),
        new ArrayList<>(changes.values()), warnings, partial);
  }

  private static PlannedChange change(Workspace ws, Address a, TargetState t, Map<Address, PlannedChange> earlier) {
    Publication p = ws.publication(a);
    String location = ws.location(a);
    String credentials = t.credentials().status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
        + (t.credentials().detail() == null ? "" : ": " + t.credentials().detail());
    String fingerprint = fingerprint(t.state());
    Map<String, Object> before = before(t.state());
    Map<String, Object> after = after(t.desired());
    if (t.state() == null) {
      return new PlannedChange(a, p.type(), Action.UNKNOWN, List.of("cannot read " + location + ": " + t.readError()),
          location, List.of(), before, after, fingerprint, credentials);
    }
    if (t.desired() == null) {
      return new PlannedChange(a, p.type(), Action.BLOCKED,
          List.of("cannot build what " + a + " would publish: " + t.desiredError()), location, List.of(), before, after,
          fingerprint, credentials);
    }
    Differ.Verdict v = Differ.diff(t.state(), t.desired(), ws.factory(a).mutable(), location);
    List<String> reasons = new ArrayList<>(v.reasons());
    Action action = v.action();
    if (action.writes()) {
      // One walk of the graph serves both questions.
      Set<Address> ancestors = ws.graph().ancestors(a);
      String blockedBy = dependencyBlock(ws, a, ancestors, earlier);
      List<String> missing = missingArtifacts(ws, ancestors);
      if (blockedBy != null) {
        action = Action.BLOCKED;
        reasons.add(0, "blocked: " + blockedBy);
      } else if (!missing.isEmpty()) {
        action = Action.BLOCKED;
        reasons.add(0, "blocked: no source available for " + String.join(", ", missing));
      } else if (!t.credentials().status().allowsPublish() && t.credentials().status() != CredentialCheck.Status.ERROR) {
        action = Action.BLOCKED;
        reasons.add(0, "blocked: " + p.type() + " credentials: " + t.credentials().detail());
      } else if (t.credentials().status() == CredentialCheck.Status.ERROR) {
        reasons.add("credentials could not be checked: " + t.credentials().detail());
      }
    }
    return new PlannedChange(a, p.type(), action, reasons, location, v.items(), before, after, fingerprint, credentials);
  }

  /** The first dependency (direct or not) that is blocked or drifted, with why. */
  private static String dependencyBlock(Workspace ws, Address a, Set<Address> ancestors,
      Map<Address, PlannedChange> earlier) {
    for (Address dep : ancestors) {
      PlannedChange c = earlier.get(dep);
      if (c != null && (c.action() == Action.BLOCKED || c.action() == Action.DRIFT)) {
        Edge why = ws.graph().dependencies(a).stream().filter(e -> e.to().equals(dep)).findFirst().orElse(null);
        return dep + " is " + c.action().word() + (why == null ? "" : " (" + why.reason() + " at " + why.where() + ")");
      }
    }
    return null;
  }

  private static List<String> missingArtifacts(Workspace ws, Set<Address> ancestors) {
    List<String> missing = new ArrayList<>();
    for (Address dep : ancestors) {
      if (dep.type().equals("artifact") && !ws.artifacts().obtainable(dep)) {
        missing.add(dep.toString());
      }
    }
    return missing;
  }

  static Map<String, Object> before(RegistryState s) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (s != null) {
      m.put("exists", s.packageExists());
      m.put("version", s.currentVersion());
      m.put("versions", s.versions());
      m.put("items", s.items());
      m.put("pointers", s.pointers());
      if (s.inProgress() != null) {
        m.put("in_progress", s.inProgress());
      }
    }
    return m;
  }

  static Map<String, Object> after(DesiredState d) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (d != null) {
      m.put("version", d.version());
      m.put("items", d.items());
      m.put("pointers", d.pointers());
    }
    return m;
  }

  /** A digest of what the registry held; null state (unreadable) has its own fixed value. */
  public static String fingerprint(RegistryState s) {
    try {
      byte[] bytes = JSON.writeValueAsBytes(before(s));
      return "sha256:" + Digests.sha256Hex(bytes);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
