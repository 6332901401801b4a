package dev.fanout.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What the host gives an emulator at start.
 *
 * @param stateDir this registry's own folder under the sandbox directory; what is written
 *     here survives a restart
 * @param baseUrl the emulator's own base URL, without a trailing slash
 * @param tokens which credentials the registry accepts, per the scenario
 * @param visibilityFault the lag {@code faults.json} sets for this registry now, or null
 */
public record EmulatorContext(String registry, Path stateDir, String baseUrl, TokenPolicy tokens,
    Supplier<Duration> visibilityFault) {

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

  /** What {@code token} may do on this registry; null or blank is {@link Access#NONE}. */
  public Access access(String token) {
    return tokens.access(registry, token);
  }
}
