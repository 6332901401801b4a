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
 * <p>An item or pointer named {@code latest}, or {@code KIND:latest} (an image's
 * {@code tag:latest}), moves the registry's latest version: on a {@link Backport} it is left
 * where it is.
 */
public record DesiredState(String version, Map<String, String> items, Map<String, String> pointers) {

  public DesiredState {
    items = java.util.Collections.unmodifiableMap(new TreeMap<>(items));
    pointers = java.util.Collections.unmodifiableMap(new TreeMap<>(pointers));
  }

  /** The same state without what would move the registry's latest version: a backport's. */
  public DesiredState withoutLatest() {
    Map<String, String> keptItems = new TreeMap<>(items);
    keptItems.keySet().removeIf(DesiredState::movesLatest);
    Map<String, String> keptPointers = new TreeMap<>(pointers);
    keptPointers.keySet().removeIf(DesiredState::movesLatest);
    return new DesiredState(version, keptItems, keptPointers);
  }

  /** Whether an item or pointer name is the registry's latest pointer. */
  public static boolean movesLatest(String name) {
    return name.equals("latest") || name.endsWith(":latest");
  }

  public boolean fullyKnown() {
    return items.values().stream().allMatch(java.util.Objects::nonNull);
  }
}
