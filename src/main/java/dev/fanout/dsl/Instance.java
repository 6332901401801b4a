package dev.fanout.dsl;

import dev.fanout.model.Address;
import java.util.Map;
import java.util.Set;

/**
 * A block instance seen from an expression, such as {@code artifact.binary["linux-amd64"]}.
 * Reading one of its {@code produced} attributes, or using the whole instance as a value,
 * makes the reader depend on it: that is how graph edges are found. Reading a declared
 * fact such as an artifact's {@code os} does not, so a filter like
 * {@code if a.os == "linux"} does not tie a target to every platform's build.
 *
 * @param produced attributes that exist only once the block has run; null means all of them
 */
record Instance(Address address, Map<String, Object> attributes, Set<String> produced) {

  boolean isProduced(String attribute) {
    return produced == null || produced.contains(attribute);
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
