package dev.fanout.dsl;

/**
 * A span of a release file, 1-based lines and columns (columns count characters, so a
 * caret lines up under unicode text), end inclusive.
 */
public record SourceRange(String file, int line, int column, int endLine, int endColumn) {

  public static SourceRange at(String file, int line, int column) {
    return new SourceRange(file, line, column, line, column);
  }

  /** Where it starts, as a plan or graph shows it. */
  public dev.fanout.model.Location location() {
    return new dev.fanout.model.Location(file, line, column);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
