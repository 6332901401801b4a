package dev.fanout.provider;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Every provider on the class path, by type. */
public final class Providers {

  private final Map<String, ProviderFactory> byType;

  private Providers(Map<String, ProviderFactory> byType) {
    this.byType = Collections.unmodifiableMap(byType);
  }

  public static Providers load() {
    Map<String, ProviderFactory> found = new TreeMap<>();
    for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class)) {
      ProviderFactory previous = found.put(f.type(), f);
      if (previous != null) {
        throw new IllegalStateException("two providers for type '" + f.type() + "': "
            + previous.getClass().getName() + " and " + f.getClass().getName());
      }
    }
    return new Providers(found);
  }

  public static Providers of(ProviderFactory... factories) {
    Map<String, ProviderFactory> map = new TreeMap<>();
    for (ProviderFactory f : factories) {
      map.put(f.type(), f);
    }
    return new Providers(map);
  }

  public ProviderFactory get(String type) {
    return byType.get(type);
  }

  public Map<String, ProviderFactory> all() {
    return byType;
  }

  /** Provider block names, such as {@code npm} and {@code github}. */
  public java.util.Set<String> settingsBlocks() {
    java.util.Set<String> names = new java.util.TreeSet<>();
    byType.values().forEach(f -> names.add(f.settingsBlock()));
    return names;
  }
}
