package dev.fanout.cli;

/** A problem the user can fix, shown as one line without a stack trace. */
final class UserError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UserError(String message) {
    super(message);
  }
}
