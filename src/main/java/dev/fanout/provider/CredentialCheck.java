package dev.fanout.provider;

/**
 * The answer to "can these credentials publish?", asked before anything is written.
 *
 * @param detail for people: who the token belongs to, or what is wrong and how to fix it.
 *     Never the credential itself.
 * @param named the plan names it even when it is fine: the identity a registry accepted for
 *     trusted publishing, which is what a reviewer of the plan must see
 */
public record CredentialCheck(Status status, String detail, boolean named) {

  public CredentialCheck(Status status, String detail) {
    this(status, detail, false);
  }

  /** How a credential check came out; only {@link #OK} and {@link #UNCHECKABLE} let a target run. */
  public enum Status {
    /** The registry confirmed that the credential may publish. */
    OK,
    /** The registry offers no way to check; the publish itself will tell. */
    UNCHECKABLE,
    /** No credential is configured, or the environment variable is not set. Set it. */
    MISSING,
    /** The registry does not know the credential (401). Make a new token. */
    INVALID,
    /** The credential is valid but may not write (403, missing scope). Grant the permission. */
    NO_WRITE,
    /** The check itself failed (network, 5xx): the plan says unknown, not blocked. */
    ERROR;

    public boolean allowsPublish() {
      return this == OK || this == UNCHECKABLE;
    }
  }

  /** For people: the status and the detail, such as {@code missing: no credential: NPM_TOKEN is not set}. */
  public String describe() {
    return status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + (detail == null ? "" : ": " + detail);
  }

  /** Whether the check shows the credential cannot publish (not merely that it could not be checked). */
  public boolean refuses() {
    return !status.allowsPublish() && status != Status.ERROR;
  }

  public static CredentialCheck ok(String detail) {
    return new CredentialCheck(Status.OK, detail);
  }

  /** OK, and shown in the plan: who the registry accepted. */
  public static CredentialCheck okNamed(String detail) {
    return new CredentialCheck(Status.OK, detail, true);
  }

  public static CredentialCheck uncheckable(String detail) {
    return new CredentialCheck(Status.UNCHECKABLE, detail);
  }
}
