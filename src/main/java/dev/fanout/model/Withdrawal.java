package dev.fanout.model;

import java.util.List;

/**
 * A version the release files declare withdrawn ({@code withdraw "1.0.35" { reason = ... }}):
 * every registry is to stop offering it as far as that registry allows.
 *
 * @param reason what users are told, such as npm's deprecation message
 * @param unpublish remove the version where the registry allows it (npm's unpublish), not only deprecate it
 * @param deleteTags delete the version's own image tag too, where the registry allows deleting
 * @param where the block's place in the release files, for messages
 */
public record Withdrawal(String version, String reason, boolean unpublish, boolean deleteTags, String where) {

  /** Every withdrawal of one release, in file order. */
  public record All(List<Withdrawal> list) {

    public static final All NONE = new All(List.of());

    public All {
      list = List.copyOf(list);
    }

    /** The withdrawal of {@code version}, or null when it is not withdrawn. */
    public Withdrawal of(String version) {
      return list.stream().filter(w -> w.version().equals(version)).findFirst().orElse(null);
    }

    public boolean withdrawn(String version) {
      return of(version) != null;
    }

    public boolean isEmpty() {
      return list.isEmpty();
    }
  }
}
