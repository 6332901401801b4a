package dev.fanout.dsl;

/** An expression cannot be evaluated; carries the diagnostic to show. */
final class EvalException extends Exception {

  private static final long serialVersionUID = 1L;
  private final transient Diagnostic diagnostic;

  EvalException(String summary, String detail, SourceRange range) {
    super(summary, null, false, false);
    this.diagnostic = Diagnostic.error(summary, detail, range);
  }

  Diagnostic diagnostic() {
    return diagnostic;
  }
}
