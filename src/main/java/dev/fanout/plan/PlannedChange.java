package dev.fanout.plan;

import dev.fanout.model.Address;
import java.util.List;
import java.util.Map;

/**
 * One publication's planned action with everything that explains it.
 *
 * @param provider the provider type, as in the language: {@code npm}, {@code homebrew}
 * @param reasons why, in words a person reads first
 * @param items what differs, item by item (files, tags, manifest fields)
 * @param before what the registry holds: {@code version}, {@code versions}, {@code items}
 * @param after what the release would publish
 * @param fingerprint a digest of the registry state this plan was made against; apply of a
 *     saved plan refuses to run when the registry has changed since
 * @param credentials the credential check's outcome, for people
 */
public record PlannedChange(Address address, String provider, Action action, List<String> reasons,
    String location, List<ItemChange> items, Map<String, Object> before, Map<String, Object> after,
    String fingerprint, String credentials) {

  public PlannedChange {
    reasons = List.copyOf(reasons);
    items = List.copyOf(items);
  }

  /** One item that differs: added ({@code before} null), changed, or unknown until the build. */
  public record ItemChange(String item, String before, String after) { }
}
