package dev.fanout.testing;

/**
 * One request a real server logged, as far as a test needs it: whether the release wrote
 * something there. {@code write} is the server's own notion (a git fetch is a POST too);
 * {@code status} is 0 where the server's log does not say it.
 */
public record ServerRequest(String method, String path, int status, boolean write) {

  static boolean writeMethod(String method) {
    return switch (method) {
      case "PUT", "POST", "PATCH", "DELETE" -> true;
      default -> false;
    };
  }
}
