package dev.fanout.model;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An unmodifiable, insertion-ordered copy that a value taking it keeps as it is: a provider's
 * settings are frozen once and shared by every publication that uses them, and a publication
 * routed to the sandbox keeps its attributes. With 100,000 publications a copy each was tens of
 * megabytes of identical maps.
 */
public final class FrozenMap extends AbstractMap<String, Object> {

  private static final FrozenMap NONE = new FrozenMap(Map.of());

  private final Map<String, Object> values;

  private FrozenMap(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** {@code map} itself when already frozen, else a frozen copy. */
  public static FrozenMap of(Map<String, Object> map) {
    if (map instanceof FrozenMap frozen) {
      return frozen;
    }
    return map.isEmpty() ? NONE : new FrozenMap(map);
  }

  @Override
  public Object get(Object key) {
    return values.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return values.containsKey(key);
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return values.entrySet();
  }
}
