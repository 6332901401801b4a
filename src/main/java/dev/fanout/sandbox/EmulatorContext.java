package dev.fanout.sandbox;

import java.nio.file.Path;

/**
 * What the host gives an emulator at start.
 *
 * @param stateDir this registry's own folder under the sandbox directory; what is written
 *     here survives a restart
 * @param baseUrl the emulator's own base URL, without a trailing slash
 * @param tokens which credentials the registry accepts, per the scenario
 */
public record EmulatorContext(String registry, Path stateDir, String baseUrl, TokenPolicy tokens) {

  /** What {@code token} may do on this registry; null or blank is {@link Access#NONE}. */
  public Access access(String token) {
    return tokens.access(registry, token);
  }
}
