package dev.fanout.provider;

/**
 * A mistake a provider finds in one publication block before anything runs, such as a
 * package name that differs from the one its package.json declares.
 *
 * @param attribute the attribute whose value is wrong: the diagnostic points at it
 * @param message what is wrong and what to do, in one or two sentences
 */
public record Problem(String attribute, String message) {

  public Problem {
    if (attribute == null || attribute.isBlank()) {
      throw new IllegalArgumentException("a problem names the attribute it is about; got " + attribute);
    }
    if (message == null || message.isBlank()) {
      throw new IllegalArgumentException("a problem with \"" + attribute + "\" needs a message");
    }
  }
}
