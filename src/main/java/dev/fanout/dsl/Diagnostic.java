package dev.fanout.dsl;

/**
 * A problem in a release file that a person can act on: what is wrong (summary), why and
 * what to do (detail), and where.
 *
 * @param range where; null for problems of the configuration as a whole (no files found)
 */
public record Diagnostic(Severity severity, String summary, String detail, SourceRange range) {

  /** How bad a diagnostic is. Errors stop the run; warnings are shown and the run goes on. */
  public enum Severity {
    ERROR, WARNING;

    public String label() {
      return this == ERROR ? "error" : "warning";
    }
  }

  public static Diagnostic error(String summary, String detail, SourceRange range) {
    return new Diagnostic(Severity.ERROR, summary, detail, range);
  }

  public static Diagnostic warning(String summary, String detail, SourceRange range) {
    return new Diagnostic(Severity.WARNING, summary, detail, range);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }
}
