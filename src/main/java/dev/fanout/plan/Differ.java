package dev.fanout.plan;

import dev.fanout.provider.Backport;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.RegistryState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compares what a registry holds with what the release would publish, item by item, in
 * the manner of Flyway's info service: desired and actual keyed by name, one verdict per
 * pair. Shared by plan and by apply's read before every write.
 */
public final class Differ {

  private Differ() {
  }

  /** The verdict for one target, before credentials and dependencies are considered. */
  public record Verdict(Action action, List<String> reasons, List<PlannedChange.ItemChange> items) { }

  /** For a release that does not ask {@code latest = true}. */
  public static Verdict diff(RegistryState state, DesiredState desired, boolean mutable, String location) {
    return diff(state, desired, mutable, location, false);
  }

  /**
   * @param latestRequested the release says {@code latest = true}: even an older version moves
   *     the registry's latest pointers
   */
  public static Verdict diff(RegistryState state, DesiredState desired, boolean mutable, String location,
      boolean latestRequested) {
    String version = desired.version();
    List<PlannedChange.ItemChange> items = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    String staysAt = Backport.latestStaysAt(version, state, latestRequested);
    String backport = staysAt == null ? "" : " (backport: latest stays at " + staysAt + ")";
    if (staysAt != null) {
      desired = desired.withoutLatest();
    }
    if (state.inProgress() != null && !state.holds(version)) {
      reasons.add(version + " is in progress: " + state.inProgress());
      return new Verdict(Action.NO_OP, reasons, items);
    }
    if (!state.holds(version)) {
      desired.items().forEach((k, v) -> items.add(new PlannedChange.ItemChange(k, null, v)));
      if (mutable && state.currentVersion() != null && staysAt != null) {
        // A formula or manifest names one version: rewriting it to an older one is a downgrade.
        reasons.add("stays at " + state.currentVersion() + ", not rewritten to " + version + backport);
        return new Verdict(Action.NO_OP, reasons, List.of());
      }
      if (mutable && state.currentVersion() != null) {
        reasons.add("at " + state.currentVersion() + " -> " + version);
        return new Verdict(Action.UPDATE, reasons, items);
      }
      reasons.add(!state.packageExists() ? "the package is not on " + location + " yet"
          : version + " is not on " + location + (state.currentVersion() == null || staysAt != null ? ""
              : " (newest there: " + state.currentVersion() + ")") + backport);
      return new Verdict(Action.CREATE, reasons, items);
    }
    int missing = 0;
    int different = 0;
    int unknown = 0;
    for (String key : new TreeSet<>(desired.items().keySet())) {
      String want = desired.items().get(key);
      String have = state.items().get(key);
      if (have == null) {
        missing++;
        items.add(new PlannedChange.ItemChange(key, null, want));
      } else if (want == null) {
        unknown++;
      } else if (!want.equals(have)) {
        different++;
        items.add(new PlannedChange.ItemChange(key, have, want));
      }
    }
    List<PlannedChange.ItemChange> pointerChanges = new ArrayList<>();
    for (Map.Entry<String, String> p : desired.pointers().entrySet()) {
      if (p.getValue() == null) {
        // Points at what the build makes (an image digest): compared once it has run.
        unknown++;
        continue;
      }
      String have = state.pointers().get(p.getKey());
      if (!Objects.equals(have, p.getValue())) {
        pointerChanges.add(new PlannedChange.ItemChange(p.getKey(), have, p.getValue()));
      }
    }
    if (different > 0 && !mutable) {
      reasons.add(version + " is on " + location + " with other content (" + different + " item"
          + (different == 1 ? "" : "s") + " differ); the registry cannot overwrite it: a person must decide");
      return new Verdict(Action.DRIFT, reasons, items);
    }
    if (different > 0 || missing > 0 || !pointerChanges.isEmpty()) {
      items.addAll(pointerChanges);
      if (missing > 0) {
        reasons.add(missing + " of " + desired.items().size() + " item" + (desired.items().size() == 1 ? "" : "s")
            + " missing on " + location);
      }
      if (different > 0) {
        reasons.add(different + " item" + (different == 1 ? "" : "s") + " differ from the release");
      }
      for (PlannedChange.ItemChange c : pointerChanges) {
        reasons.add(c.item() + " points at " + (c.before() == null ? "nothing" : c.before()) + ", not " + c.after());
      }
      return new Verdict(Action.UPDATE, reasons, items);
    }
    reasons.add(version + " already on " + location
        + (unknown > 0 ? " (contents compared once the build has run)" : ""));
    return new Verdict(Action.NO_OP, reasons, items);
  }
}
