package dev.fanout.model;

/**
 * A value that is not known before apply, such as the checksum of a binary that a build
 * step will make. Plans show it as {@code (known after build)}; any expression that uses
 * it is unknown too.
 *
 * @param after what must happen first: {@code build}, {@code apply}
 */
public record Unknown(String after) {

  public static final Unknown AFTER_BUILD = new Unknown("build");
  public static final Unknown AFTER_APPLY = new Unknown("apply");

  @Override
  public String toString() {
    return "(known after " + after + ")";
  }
}
