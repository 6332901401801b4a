package dev.fanout.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes a block accepts. The checker validates blocks against it: unknown names
 * (with "did you mean"), missing required attributes and wrong types.
 */
public record Schema(Map<String, Attribute> attributes) {

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

    public Schema build() {
      return new Schema(attributes);
    }
  }
}
