package dev.example.greeter;

/** Says hello; the library this example publishes to Maven Central. */
public final class Greeter {

  private Greeter() {
  }

  /** A greeting for {@code name}. */
  public static String greet(String name) {
    return "Hello, " + name + "!";
  }
}
