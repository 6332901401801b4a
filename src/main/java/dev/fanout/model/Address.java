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

  @Override
  public String toString() {
    return key == null ? type + "." + name : type + "." + name + "[\"" + key + "\"]";
  }

  @Override
  public int compareTo(Address o) {
    return toString().compareTo(o.toString());
  }
}
