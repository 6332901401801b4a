package dev.fanout.sandbox;

import java.io.IOException;

/**
 * One registry's emulator in the sandbox. Each lives in its registry's folder under
 * {@code providers/}, beside the provider that talks to the real registry, and is found by
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.fanout.sandbox.Emulator}).
 *
 * <p>The host gives every emulator its own loopback server, so each registry has its own
 * base URL as it has its own host in the world. The host logs every request to
 * {@code requests.jsonl} and applies {@code faults.json} before the emulator is asked, so an
 * emulator only speaks its registry's protocol: the read side, the write side, credential
 * checks and the registry's own error shapes (status, body and reason phrase as the real
 * registry sends them, since providers read them: PyPI, for one, puts its error in the reason
 * phrase).
 */
public interface Emulator {

  /** The registry's name in {@code requests.jsonl}, faults and the serve map: {@code npm}, {@code oci}. */
  String registry();

  /** Called once before the first request; the emulator loads what {@code ctx.stateDir()} holds. */
  void start(EmulatorContext ctx) throws IOException;

  /** Answers one request. Must be safe to call from several threads at once. */
  SandboxResponse handle(SandboxRequest request) throws IOException;

  /** Whether the request changes the registry; {@code requests.jsonl} counts these as writes. */
  default boolean isWrite(SandboxRequest request) {
    return !request.method().equals("GET") && !request.method().equals("HEAD");
  }

  /**
   * Extra URLs to print in the serve map beside the base URL, such as a git URL. Asked before
   * {@link #start} has run (the ports open first), so made from {@code baseUrl} alone.
   */
  default java.util.Map<String, String> extraUrls(String baseUrl) {
    return java.util.Map.of();
  }

  /**
   * How long after a write this registry's reads may still not show it, as modelled (the
   * crates.io index, PyPI's cached JSON, Central's repository behind the Portal). A seeded
   * scenario waits it out: its seed is an earlier release, long visible.
   */
  default java.time.Duration readLag() {
    return java.time.Duration.ZERO;
  }
}
