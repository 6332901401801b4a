package dev.fanout.sandbox;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the host gives an emulator at start.
 *
 * @param stateDir this registry's own folder under the sandbox directory; what is written
 *     here survives a restart
 * @param baseUrl the emulator's own base URL, without a trailing slash
 * @param tokens which credentials the registry accepts, per the scenario
 * @param settings this registry's entry of the scenario's {@code settings} (such as GitHub's
 *     {@code fork_ready_ms}); empty when the scenario sets none
 */
public record EmulatorContext(String registry, Path stateDir, String baseUrl, TokenPolicy tokens,
    Map<String, Object> settings) {

  public EmulatorContext {
    settings = Map.copyOf(settings);
  }

  public EmulatorContext(String registry, Path stateDir, String baseUrl, TokenPolicy tokens) {
    this(registry, stateDir, baseUrl, tokens, Map.of());
  }

  /** A whole-number setting, or {@code otherwise} when the scenario does not set it. */
  public long setting(String name, long otherwise) {
    Object value = settings.get(name);
    if (value == null) {
      return otherwise;
    }
    if (value instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(registry + " setting " + name + " must be a whole number, not '" + value + "'", e);
    }
  }

  /** What {@code token} may do on this registry; null or blank is {@link Access#NONE}. */
  public Access access(String token) {
    return tokens.access(registry, token);
  }
}
