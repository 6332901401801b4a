package dev.fanout.sandbox;

import java.util.Map;
import java.util.Set;

/**
 * The credentials the sandbox accepts. {@value #SANDBOX_TOKEN} may write everywhere, unless a
 * scenario lists a registry under {@code read_only}; {@value #READ_ONLY_TOKEN} may only read,
 * everywhere, so a test can show the credential preflight on any one registry.
 */
public record TokenPolicy(Set<String> readOnlyRegistries) {

  public static final String SANDBOX_TOKEN = "fanout-sandbox-token";
  public static final String READ_ONLY_TOKEN = "fanout-sandbox-readonly-token";
  /** What {@code --sandbox} gives a run as ACTIONS_ID_TOKEN_REQUEST_TOKEN for the sandbox's Actions issuer. */
  public static final String ACTIONS_REQUEST_TOKEN = "fanout-sandbox-actions-id-token-request";

  public TokenPolicy {
    readOnlyRegistries = Set.copyOf(readOnlyRegistries);
  }

  public static TokenPolicy standard() {
    return new TokenPolicy(Set.of());
  }

  public Access access(String registry, String token) {
    if (token == null || token.isBlank()) {
      return Access.NONE;
    }
    if (token.equals(READ_ONLY_TOKEN)) {
      return Access.READ;
    }
    if (token.equals(SANDBOX_TOKEN)) {
      return readOnlyRegistries.contains(registry) ? Access.READ : Access.WRITE;
    }
    return Access.INVALID;
  }

  /** A read-only registry list from a scenario's {@code read_only} field. */
  static TokenPolicy fromScenario(Map<String, Object> scenario) {
    Object list = scenario.get("read_only");
    if (list instanceof java.util.List<?> names) {
      return new TokenPolicy(names.stream().map(String::valueOf).collect(java.util.stream.Collectors.toSet()));
    }
    return standard();
  }
}
