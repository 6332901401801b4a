package dev.fanout.model;

/**
 * A place in a release file, shown as {@code file:line:column}. Kept as its parts, the file
 * name shared: an edge per reference each holding its own text was megabytes at 100,000
 * publications.
 */
public record Location(String file, int line, int column) {

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
