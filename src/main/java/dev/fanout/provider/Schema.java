package dev.fanout.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes a block accepts. The checker validates blocks against it: unknown names
 * (with "did you mean"), missing required attributes and wrong types, and after evaluation
 * each attribute's {@link Constraint}s, so that {@code fanout validate} finds a wrong value
 * that would otherwise surface only when the registry is asked.
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
   * @param constraints what a value must be beyond its type; checked once it is evaluated
   */
  public record Attribute(String name, Type type, boolean required, boolean sensitive, String description,
      List<Constraint> constraints) {

    public Attribute {
      constraints = List.copyOf(constraints);
    }

    public Attribute(String name, Type type, boolean required, boolean sensitive, String description) {
      this(name, type, required, sensitive, description, List.of());
    }

    Attribute with(Constraint c) {
      List<Constraint> more = new java.util.ArrayList<>(constraints);
      more.add(c);
      return new Attribute(name, type, required, sensitive, description, more);
    }
  }

  /** What a string value must be, beyond its type. */
  public sealed interface Constraint {

    /** One of a fixed set of values, such as a mode or a channel. */
    record OneOf(List<String> values) implements Constraint {
      public OneOf {
        if (values.isEmpty()) {
          throw new IllegalArgumentException("one-of needs at least one value");
        }
        values = List.copyOf(values);
      }
    }

    /**
     * A value the whole of which matches the regular expression.
     *
     * @param description what a matching value is, in words: "a lowercase name of letters and digits"
     */
    record Matches(String regex, String description) implements Constraint {
      public Matches {
        java.util.regex.Pattern.compile(regex);
      }
    }

    /**
     * A path relative to the release files' folder that must exist before anything runs.
     *
     * @param folder a folder when true, else a regular file
     * @param holding for a folder, a file it must hold (such as {@code package.json}); null for none
     */
    record ExistingPath(boolean folder, String holding) implements Constraint { }
  }

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

    /** The attribute, declared before, takes only these values. */
    public Builder oneOf(String name, String... values) {
      return constrain(name, new Constraint.OneOf(List.of(values)));
    }

    /** The attribute, declared before, must match the regular expression, described in words. */
    public Builder matches(String name, String regex, String description) {
      return constrain(name, new Constraint.Matches(regex, description));
    }

    /** The attribute, declared before, names a file that exists, relative to the release files. */
    public Builder existingFile(String name) {
      return constrain(name, new Constraint.ExistingPath(false, null));
    }

    /** The attribute, declared before, names a folder that exists and holds the file, if one is given. */
    public Builder existingFolder(String name, String holding) {
      return constrain(name, new Constraint.ExistingPath(true, holding));
    }

    private Builder constrain(String name, Constraint c) {
      Attribute a = attributes.get(name);
      if (a == null) {
        throw new IllegalArgumentException("no attribute \"" + name + "\" declared before its constraint");
      }
      attributes.put(name, a.with(c));
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
