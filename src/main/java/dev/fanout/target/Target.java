package dev.fanout.target;

import dev.fanout.provider.DesiredState;
import java.io.IOException;

import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Traits;
import java.util.Map;

/**
 * One publication bound to its registry, worked out once per run and handed to every stage.
 *
 * @param publication the publication as it is sent: under {@code --sandbox} with the sandbox's
 *     credential in place of a real one
 * @param endpoints the URLs in effect, by setting name
 * @param location where the registry is, for people: a host, or {@code npm (sandbox)}
 * @param sandboxed the target goes to the sandbox's emulator
 * @param cache what packages were built of; null to build every time
 */
public record Target(Address address, Publication publication, ProviderFactory factory, Provider provider,
    Map<String, String> endpoints, String location, boolean sandboxed, DesiredCache cache) {

  public Target {
    endpoints = Map.copyOf(endpoints);
  }

  /** A target whose packages are built every time (tests, and tools without a state folder). */
  public Target(Address address, Publication publication, ProviderFactory factory, Provider provider,
      Map<String, String> endpoints, String location, boolean sandboxed) {
    this(address, publication, factory, provider, endpoints, location, sandboxed, null);
  }

  public String type() {
    return publication.type();
  }

  public Traits traits() {
    return factory.traits();
  }

  /** What the release would put in the registry: the provider's answer, built once per content. */
  public DesiredState desired() throws IOException {
    return cache == null ? provider.desired(publication) : cache.desired(this);
  }
}
