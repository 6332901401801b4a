package dev.fanout.model;

/**
 * A whole block instance used as a value, as in {@code binaries = artifact.binary}: the
 * provider receives the address and looks the artifact up, so a publication knows exactly
 * which artifacts it carries.
 */
public record Ref(Address address) {

  @Override
  public String toString() {
    return address.toString();
  }
}
