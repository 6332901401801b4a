package dev.fanout.sandbox;

import dev.fanout.model.Publication;
import dev.fanout.model.Secret;
import dev.fanout.model.FrozenMap;
import dev.fanout.provider.Endpoints;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.TrustedPublishing;
import dev.fanout.target.Routing;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Routing under {@code --sandbox}: every publication goes to its emulator, except the types
 * kept on their real registries with {@code --sandbox-except}. The token rule holds both
 * ways: a real credential never goes to the sandbox, and a sandbox token never to a real
 * registry.
 *
 * @param realTypes the publication types that keep their configured endpoints and credentials
 */
public final class SandboxRouting implements Routing {

  private final Map<String, String> urls;
  private final Set<String> realTypes;
  private final Map<SettingsKey, Map<String, Object>> sandboxSettings = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<SettingsKey, Map<String, String>> endpoints = new java.util.concurrent.ConcurrentHashMap<>();

  public SandboxRouting(Map<String, String> urls, Set<String> realTypes) {
    this.urls = Map.copyOf(urls);
    this.realTypes = Set.copyOf(realTypes);
  }

  public Map<String, String> urls() {
    return urls;
  }

  public Set<String> realTypes() {
    return realTypes;
  }

  @Override
  public Route route(Publication p, ProviderFactory f) {
    if (realTypes.contains(p.type())) {
      Publication kept = besideSandbox(p, f);
      Map<String, String> endpoints = Endpoints.resolve(f, kept.settings(), null);
      return new Route(kept, endpoints, Routing.host(endpoints), false);
    }
    Publication sent = forSandbox(p, f);
    Map<String, String> endpoints = this.endpoints.computeIfAbsent(new SettingsKey(f.type(), sent.settings(), false),
        k -> Map.copyOf(Endpoints.resolve(f, k.settings(), urls)));
    String location = f.sandboxEndpoints().values().stream().sorted().findFirst().orElse(f.type()) + " (sandbox)";
    return new Route(sent, endpoints, location, true);
  }

  /**
   * The publication as the sandbox sees it: only values that are sandbox tokens are kept (so a
   * test can present the read-only one); anything else becomes the sandbox's write token.
   * Trusted publishing gets no token at all: it publishes with what the exchange gives.
   */
  private Publication forSandbox(Publication p, ProviderFactory f) {
    // Publications of one provider share its settings, and so their sandbox settings.
    Map<String, Object> settings = sandboxSettings.computeIfAbsent(new SettingsKey(f.type(), p.settings(),
        TrustedPublishing.enabled(p)), k -> {
          Map<String, Object> s = new LinkedHashMap<>(p.settings());
          String credential = f.credentialSetting();
          if (credential != null && k.trusted()) {
            s.remove(credential);
          } else if (credential != null) {
            Secret given = p.secret(credential);
            s.put(credential, isSandboxToken(given) ? given : new Secret("sandbox token", TokenPolicy.SANDBOX_TOKEN));
          }
          return FrozenMap.of(s);
        });
    return new Publication(p.address(), p.type(), p.attributes(), settings);
  }

  /** A provider type, the settings its publication came with (by identity), and whether it publishes by trusted publishing. */
  private record SettingsKey(String type, Map<String, Object> settings, boolean trusted) {
    @Override
    public boolean equals(Object o) {
      return o instanceof SettingsKey k && k.type.equals(type) && k.settings == settings && k.trusted == trusted;
    }

    @Override
    public int hashCode() {
      return (type.hashCode() * 31 + System.identityHashCode(settings)) * 31 + Boolean.hashCode(trusted);
    }
  }

  /**
   * A publication kept on its real registry: its own credential, unless that is a sandbox
   * token, which is dropped (so the credential check says it is missing).
   */
  private static Publication besideSandbox(Publication p, ProviderFactory f) {
    String credential = f.credentialSetting();
    if (credential == null) {
      return p;
    }
    Secret given = p.secret(credential);
    if (!isSandboxToken(given)) {
      return p;
    }
    Map<String, Object> settings = new LinkedHashMap<>(p.settings());
    settings.put(credential, new Secret(given.source() + " (a sandbox token: never sent to a real registry)", null));
    return new Publication(p.address(), p.type(), p.attributes(), settings);
  }

  /**
   * A sandbox token, possibly behind a registry's prefix for a kind of token (GitHub's
   * {@code ghs_} for installation tokens), so that the sandbox can be tried with that kind.
   */
  private static boolean isSandboxToken(Secret s) {
    return s.isSet() && s.reveal().matches("([a-z]{2,4}_)?fanout-sandbox-.*");
  }
}
