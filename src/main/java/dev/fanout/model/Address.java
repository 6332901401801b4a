package dev.fanout.model;

import java.util.Objects;

/**
 * Where a thing is declared: {@code npm.contextlite}, {@code build.binaries["linux-amd64"]},
 * {@code artifact.binary["darwin-arm64"]}. Blocks with {@code for_each} give one address per
 * key; the others have a null key.
 */
public record Address(String type, String name, String key) implements Comparable<Address> {

  public Address {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
  }

  public static Address of(String type, String name) {
    return new Address(type, name, null);
  }

  /** Parses {@code type.name} or {@code type.name["key"]}; null when it is neither. */
  public static Address parse(String text) {
    int dot = text.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    String type = text.substring(0, dot);
    String rest = text.substring(dot + 1);
    int bracket = rest.indexOf('[');
    if (bracket < 0) {
      return rest.isEmpty() ? null : new Address(type, rest, null);
    }
    if (!rest.endsWith("]")) {
      return null;
    }
    String key = rest.substring(bracket + 1, rest.length() - 1);
    if (key.startsWith("\"") && key.endsWith("\"") && key.length() >= 2) {
      key = key.substring(1, key.length() - 1);
    }
    return new Address(type, rest.substring(0, bracket), key);
  }

  /** The block this instance comes from: the same address without its key. */
  public Address block() {
    return key == null ? this : new Address(type, name, null);
  }

  /**
   * The value the record's generated method gives ({@code 31 * h + component} over the
   * components), so every hash-ordered collection iterates as before, without its method-handle
   * dispatch: under the launcher's C1-only JIT that cost about 100 ns per call, and addresses
   * are hashed in every map of a plan.
   */
  @Override
  public int hashCode() {
    return (31 * type.hashCode() + name.hashCode()) * 31 + Objects.hashCode(key);
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof Address a && type.equals(a.type) && name.equals(a.name) && Objects.equals(key, a.key);
  }

  @Override
  public String toString() {
    return key == null ? type + "." + name : type + "." + name + "[\"" + key + "\"]";
  }

  /**
   * The order of {@link #toString()}, without building the two strings: every sorted map and
   * set of a release, and the graph's topological order, compare addresses, and at 10,000
   * publications building two strings per comparison was a visible share of loading and
   * planning (docs/performance.md).
   */
  @Override
  public int compareTo(Address o) {
    int mine = length();
    int theirs = o.length();
    // Equal types give equal first characters: start after them.
    int from = type.equals(o.type) ? type.length() + 1 : 0;
    for (int i = from, n = Math.min(mine, theirs); i < n; i++) {
      char a = charAt(i);
      char b = o.charAt(i);
      if (a != b) {
        return a - b;
      }
    }
    return mine - theirs;
  }

  private int length() {
    return type.length() + 1 + name.length() + (key == null ? 0 : key.length() + 4);
  }

  /** The character {@link #toString()} has at {@code i}. */
  private char charAt(int i) {
    if (i < type.length()) {
      return type.charAt(i);
    }
    i -= type.length();
    if (i == 0) {
      return '.';
    }
    i--;
    if (i < name.length()) {
      return name.charAt(i);
    }
    i -= name.length();
    if (i < 2) {
      return i == 0 ? '[' : '"';
    }
    i -= 2;
    if (i < key.length()) {
      return key.charAt(i);
    }
    return i == key.length() ? '"' : ']';
  }
}
