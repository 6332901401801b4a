package dev.fanout.provider;

/**
 * A registry answered badly. The message names the registry, the operation, the status and
 * what to do, and never holds a credential.
 *
 * @see #isTransient()
 */
public class RegistryException extends Exception {

  private static final long serialVersionUID = 1L;
  private final String registry;
  private final String operation;
  private final int status;
  private final boolean transientFailure;
  private final String hint;

  /**
   * @param status the HTTP status, or 0 when there was no answer (connection failure)
   * @param transientFailure whether trying again later may succeed (5xx, 429, connection)
   * @param hint what the user should do; may be null
   */
  public RegistryException(String registry, String operation, int status, String message,
      boolean transientFailure, String hint, Throwable cause) {
    super(registry + " " + operation + " failed" + (status > 0 ? " (HTTP " + status + ")" : "")
        + ": " + message + (hint == null ? "" : ". " + hint), cause);
    this.registry = registry;
    this.operation = operation;
    this.status = status;
    this.transientFailure = transientFailure;
    this.hint = hint;
  }

  public RegistryException(String registry, String operation, int status, String message, String hint) {
    this(registry, operation, status, message, status == 0 || status == 429 || status >= 500, hint, null);
  }

  public String registry() {
    return registry;
  }

  public String operation() {
    return operation;
  }

  public int status() {
    return status;
  }

  public boolean isTransient() {
    return transientFailure;
  }

  public String hint() {
    return hint;
  }
}
