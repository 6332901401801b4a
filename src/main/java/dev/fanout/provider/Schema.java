package dev.fanout.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes a block accepts. The checker validates blocks against it: unknown names
 * (with "did you mean"), missing required attributes and wrong types.
 *
 * @param exactlyOne groups of attributes of which a block must set exactly one, such as an
 *     npm block's {@code binaries} and {@code directory}
 */
public record Schema(Map<String, Attribute> attributes, List<List<String>> exactlyOne) {

  /** The type of an attribute's value. */
  public enum Type {
    STRING, NUMBER, BOOL, LIST, MAP, ANY,
    /** Artifacts: a reference to {@code artifact.NAME}, one instance, a list or map of them. */
    ARTIFACTS
  }

  /**
   * @param sensitive the value is a credential: shown as {@code (sensitive)}, never written out
   */
  public record Attribute(String name, Type type, boolean required, boolean sensitive, String description) { }

  public Schema {
    attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    exactlyOne = exactlyOne.stream().map(List::copyOf).toList();
  }

  public Schema(Map<String, Attribute> attributes) {
    this(attributes, List.of());
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<String> names() {
    return List.copyOf(attributes.keySet());
  }

  /** Builds a schema in declaration order. */
  public static final class Builder {
    private final Map<String, Attribute> attributes = new LinkedHashMap<>();
    private final List<List<String>> exactlyOne = new java.util.ArrayList<>();

    public Builder required(String name, Type type, String description) {
      attributes.put(name, new Attribute(name, type, true, false, description));
      return this;
    }

    public Builder optional(String name, Type type, String description) {
      attributes.put(name, new Attribute(name, type, false, false, description));
      return this;
    }

    public Builder sensitive(String name, String description) {
      attributes.put(name, new Attribute(name, Type.STRING, false, true, description));
      return this;
    }

    /** A block must set exactly one of these (optional) attributes. */
    public Builder exactlyOne(String... names) {
      exactlyOne.add(List.of(names));
      return this;
    }

    public Schema build() {
      return new Schema(attributes, exactlyOne);
    }
  }
}
