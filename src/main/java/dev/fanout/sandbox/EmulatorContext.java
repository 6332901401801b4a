package dev.fanout.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What an emulator is given when the sandbox starts it.
 *
 * @param stateDir where it keeps what it holds, so a restarted sandbox sees it again
 * @param baseUrl its own URL on loopback, without a trailing slash
 * @param tokens which credentials may read and write
 * @param visibilityFault the lag {@code faults.json} sets for this registry now, or null
 * @param settings this registry's entry of the scenario's {@code settings} (such as GitHub's
 *     {@code fork_ready_ms}); empty when the scenario sets none
 * @param peers another registry's base URL in this sandbox (such as the Actions issuer a
 *     registry trusts), or null; asked when needed, since emulators start side by side
 */
public record EmulatorContext(String registry, Path stateDir, String baseUrl, TokenPolicy tokens,
    Supplier<Duration> visibilityFault, Map<String, Object> settings, Function<String, String> peers) {

  public EmulatorContext {
    settings = Map.copyOf(settings);
    peers = peers == null ? other -> null : peers;
  }

  public EmulatorContext(String registry, Path stateDir, String baseUrl, TokenPolicy tokens,
      Supplier<Duration> visibilityFault, Map<String, Object> settings) {
    this(registry, stateDir, baseUrl, tokens, visibilityFault, settings, null);
  }

  /** The base URL of another registry of this sandbox, or null when it runs none. */
  public String peer(String registry) {
    return peers.apply(registry);
  }

  public EmulatorContext(String registry, Path stateDir, String baseUrl, TokenPolicy tokens) {
    this(registry, stateDir, baseUrl, tokens, null, Map.of(), null);
  }

  /**
   * How long a write this registry accepted stays out of its lagging reads (a repository
   * behind a portal, a cached JSON API, an index written by a background job): the
   * {@code visibility_delay_ms} of {@code faults.json} when one is set, else the emulator's
   * own default, which models the real registry's usual lag.
   */
  public Duration visibilityDelay(Duration byDefault) {
    Duration fault = visibilityFault == null ? null : visibilityFault.get();
    return fault != null ? fault : byDefault;
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
