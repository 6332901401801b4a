package dev.fanout.model;

/**
 * A dependency: {@code from} needs {@code to} first. Kept with its reason so a blocked
 * target can say why ("blocked: github_release.main failed").
 *
 * @param reason {@code references github_release.main.assets}, {@code depends_on}
 * @param where the file, line and column of the reference
 */
public record Edge(Address from, Address to, String reason, Location where) {

  /** As the record's own (same values, so graphs iterate as before), without method handles; see {@link Address#hashCode}. */
  @Override
  public int hashCode() {
    return ((31 * java.util.Objects.hashCode(from) + java.util.Objects.hashCode(to)) * 31
        + java.util.Objects.hashCode(reason)) * 31 + java.util.Objects.hashCode(where);
  }

  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof Edge e && java.util.Objects.equals(from, e.from) && java.util.Objects.equals(to, e.to)
        && java.util.Objects.equals(reason, e.reason) && java.util.Objects.equals(where, e.where);
  }
}
