package dev.fanout.model;

/**
 * A sensitive value, such as a token read with {@code env("NPM_TOKEN")}. It prints as
 * {@code (sensitive)} everywhere; only a provider that sends it to its own registry calls
 * {@link #reveal()}. {@code value} is null when the variable is not set, so a plan can say
 * which variable is missing without failing.
 *
 * @param source where the value comes from, safe to print: {@code env NPM_TOKEN}
 */
public record Secret(String source, String value) {

  public boolean isSet() {
    return value != null && !value.isEmpty();
  }

  /** The secret itself. Never log, print, journal or serialise what this returns. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "(sensitive)";
  }
}
