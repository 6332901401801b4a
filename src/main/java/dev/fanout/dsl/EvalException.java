package dev.fanout.dsl;

/** An expression cannot be evaluated; carries the diagnostic to show. */
final class EvalException extends Exception {

  private static final long serialVersionUID = 1L;
  private final transient Diagnostic diagnostic;

  EvalException(String summary, String detail, SourceRange range) {
    super(summary, null, false, false);
    this.diagnostic = summary == null ? null : Diagnostic.error(summary, detail, range);
  }

  /** For a value whose error was reported already: stops the evaluation without a second message. */
  static EvalException alreadyReported() {
    return new EvalException(null, null, null);
  }

  /** The diagnostic, or null when the cause was reported already. */
  Diagnostic diagnostic() {
    return diagnostic;
  }
}
