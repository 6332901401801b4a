package dev.fanout.plan;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What apply would do: one change per publication in dependency order.
 *
 * @param configHash the configuration's digest; apply of a saved plan checks it
 * @param configPath where the release files are
 * @param partial the plan covers only some targets ({@code --target})
 * @param artifactDigests the sha256 of each prebuilt artifact the plan read from disk, by
 *     address; apply of a saved plan refuses when the bytes differ (built ones are made again)
 * @param commit the git commit the release files are at and whether the work tree is clean,
 *     for people; null outside git
 */
public record Plan(String release, String version, String versionSource, String configHash, String configPath,
    List<PlannedChange> changes, List<String> warnings, boolean partial, Map<String, String> artifactDigests,
    String commit) {

  public static final String FORMAT_VERSION = "1.0";

  public Plan {
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
    artifactDigests = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(artifactDigests));
  }

  public Plan withCommit(String described) {
    return new Plan(release, version, versionSource, configHash, configPath, changes, warnings, partial,
        artifactDigests, described);
  }

  public Map<Action, Integer> summary() {
    Map<Action, Integer> counts = new EnumMap<>(Action.class);
    for (Action a : Action.values()) {
      counts.put(a, 0);
    }
    changes.forEach(c -> counts.merge(c.action(), 1, Integer::sum));
    return counts;
  }

  /** Whether apply would write anything. */
  public boolean hasChanges() {
    return changes.stream().anyMatch(c -> c.action().writes());
  }

  public PlannedChange change(dev.fanout.model.Address a) {
    return changes.stream().filter(c -> c.address().equals(a)).findFirst().orElse(null);
  }
}
