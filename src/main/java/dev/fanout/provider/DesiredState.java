package dev.fanout.provider;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the release would put in a registry: the same shape as {@link RegistryState#items()}
 * so that the two compare item by item.
 *
 * @param items name to digest or value; a null value is not known before the build
 *     ({@code (known after build)}), so it cannot be compared yet
 * @param pointers the mutable pointers the release sets, such as {@code latest}
 * @param notes lines the plan shows but never compares (see {@link #withNotes})
 * <p>An item or pointer named {@code latest}, or {@code KIND:latest} (an image's
 * {@code tag:latest}), moves the registry's latest version: on a {@link Backport} it is left
 * where it is.
 */
public record DesiredState(String version, Map<String, String> items, Map<String, String> pointers,
    java.util.List<String> notes) {

  public DesiredState {
    // Most packages have no pointers: an empty map each was a TreeMap each.
    items = items.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(items));
    pointers = pointers.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(pointers));
    notes = notes == null ? java.util.List.of() : java.util.List.copyOf(notes);
  }

  public DesiredState(String version, Map<String, String> items, Map<String, String> pointers) {
    this(version, items, pointers, java.util.List.of());
  }

  /**
   * The same state with lines the plan shows under the target but never compares: what the
   * release was resolved against (a base image's digest), and warnings ("warning: ...") about
   * what it would publish, so they are seen before apply.
   */
  public DesiredState withNotes(java.util.List<String> more) {
    java.util.List<String> all = new java.util.ArrayList<>(notes);
    all.addAll(more);
    return new DesiredState(version, items, pointers, all);
  }

  /** The same state without what would move the registry's latest version: a backport's. */
  public DesiredState withoutLatest() {
    Map<String, String> keptItems = new TreeMap<>(items);
    keptItems.keySet().removeIf(DesiredState::movesLatest);
    Map<String, String> keptPointers = new TreeMap<>(pointers);
    keptPointers.keySet().removeIf(DesiredState::movesLatest);
    return new DesiredState(version, keptItems, keptPointers, notes);
  }

  /** Whether an item or pointer name is the registry's latest pointer. */
  public static boolean movesLatest(String name) {
    return name.equals("latest") || name.endsWith(":latest");
  }

  public boolean fullyKnown() {
    return items.values().stream().allMatch(java.util.Objects::nonNull);
  }
}
