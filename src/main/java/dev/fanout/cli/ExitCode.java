package dev.fanout.cli;

/** Every exit code Fanout uses, in one place. */
public final class ExitCode {

  /** Success; for plan with --detailed-exitcode: no changes. */
  public static final int OK = 0;
  /** An error: bad input, a failed target; for plan and apply also a blocked target or an unreadable registry. */
  public static final int ERROR = 1;
  /** plan --detailed-exitcode: there are changes. drift: the registries disagree. fmt --check: a file would change. */
  public static final int CHANGES = 2;

  private ExitCode() {
  }
}
