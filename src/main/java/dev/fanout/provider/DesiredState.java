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
 */
public record DesiredState(String version, Map<String, String> items, Map<String, String> pointers) {

  public DesiredState {
    items = java.util.Collections.unmodifiableMap(new TreeMap<>(items));
    pointers = java.util.Collections.unmodifiableMap(new TreeMap<>(pointers));
  }

  public boolean fullyKnown() {
    return items.values().stream().allMatch(java.util.Objects::nonNull);
  }
}
