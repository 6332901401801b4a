package dev.fanout.model;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One publication target after evaluation: a block such as {@code npm "contextlite" {...}}
 * (or one instance of it under {@code for_each}), with its attributes evaluated and its
 * provider settings attached.
 *
 * <p>Attribute values are plain: {@link String}, {@link BigDecimal}, {@link Boolean},
 * {@link List}, {@link Map}, or {@link Secret}, {@link Unknown}, {@link Ref}.
 *
 * @param type the provider type: {@code npm}, {@code github_release}, ...
 * @param settings the evaluated {@code provider "..."} block it uses (registry URL, token)
 */
public record Publication(Address address, String type, Map<String, Object> attributes,
    Map<String, Object> settings) {

  public Publication {
    attributes = FrozenMap.of(attributes);
    settings = FrozenMap.of(settings);
  }

  public String name() {
    return address.key() == null ? address.name() : address.name() + "-" + address.key();
  }

  /** A string attribute, or {@code fallback} when it is absent. */
  public String string(String attribute, String fallback) {
    Object v = attributes.get(attribute);
    return v == null ? fallback : v.toString();
  }

  public String string(String attribute) {
    return string(attribute, null);
  }

  public boolean bool(String attribute, boolean fallback) {
    Object v = attributes.get(attribute);
    return v instanceof Boolean b ? b : fallback;
  }

  @SuppressWarnings("unchecked")
  public List<Object> list(String attribute) {
    Object v = attributes.get(attribute);
    return v instanceof List<?> l ? (List<Object>) l : v == null ? List.of() : List.of(v);
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> map(String attribute) {
    Object v = attributes.get(attribute);
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** The setting, such as the registry URL, or {@code fallback}. */
  public String setting(String name, String fallback) {
    Object v = settings.get(name);
    return v == null || v instanceof Secret ? fallback : v.toString();
  }

  /** A sensitive setting such as the token; an unset secret when the block has none. */
  public Secret secret(String name) {
    Object v = settings.get(name);
    if (v instanceof Secret s) {
      return s;
    }
    return new Secret("provider setting " + name, v == null ? null : v.toString());
  }

  /** Every artifact the attribute refers to, in a stable order, found anywhere in its value. */
  public List<Address> artifacts(String attribute) {
    List<Address> out = new ArrayList<>();
    collectRefs(attributes.get(attribute), out);
    return out;
  }

  private static void collectRefs(Object value, List<Address> out) {
    if (value instanceof Ref r && r.address().type().equals("artifact")) {
      out.add(r.address());
    } else if (value instanceof Map<?, ?> m) {
      collectRefs(m.values(), out);
    } else if (value instanceof Collection<?> c) {
      for (Object o : c) {
        collectRefs(o, out);
      }
    }
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
