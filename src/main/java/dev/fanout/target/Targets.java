package dev.fanout.target;

import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Config;
import dev.fanout.model.Publication;
import dev.fanout.provider.ActionsIdTokens;
import dev.fanout.provider.ArtifactStore;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Providers;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;

/** Every publication of a release bound to its registry, by address, in the release's order. */
public record Targets(Map<Address, Target> byAddress) {

  private static final Pattern UNSAFE_IN_FOLDER_NAME = Pattern.compile("[^A-Za-z0-9._-]");

  public Targets {
    byAddress = Collections.unmodifiableMap(new LinkedHashMap<>(byAddress));
  }

  /**
   * Binds each publication of the configuration to a provider, through the routing.
   *
   * @param stateDir {@code .fanout} beside the release files: each target gets a work folder there
   * @param idTokens the run's GitHub Actions ID tokens, or null; the sandbox issuer's never
   *     serve a target kept on its real registry
   */
  public static Targets bind(Config config, Providers providers, Routing routing, OkHttpClient http,
      ArtifactStore artifacts, Path stateDir, ActionsIdTokens idTokens) {
    return bind(config, providers, routing, http, artifacts, stateDir, idTokens, null);
  }

  /** As {@link #bind(Config, Providers, Routing, OkHttpClient, ArtifactStore, Path, ActionsIdTokens)}, packages kept in {@code cache}. */
  public static Targets bind(Config config, Providers providers, Routing routing, OkHttpClient http,
      ArtifactStore artifacts, Path stateDir, ActionsIdTokens idTokens, DesiredCache cache) {
    Map<Address, Target> out = new LinkedHashMap<>();
    // One guarded client per set of origins: they share the connections and threads.
    Map<Set<String>, OkHttpClient> clients = new HashMap<>();
    // Most targets share their endpoints with many others (every npm package): parse each set once.
    Map<List<Object>, Set<String>> originsOf = new HashMap<>();
    for (Publication p : config.publications().values()) {
      ProviderFactory f = providers.get(p.type());
      Routing.Route route = routing.route(p, f);
      Path work = stateDir.resolve("work").resolve(UNSAFE_IN_FOLDER_NAME.matcher(p.address().toString()).replaceAll("_"));
      Set<String> origins = originsOf.computeIfAbsent(List.of(route.endpoints(), f.traits().trustedOrigins()),
          k -> origins(route.endpoints(), f));
      OkHttpClient guarded = clients.computeIfAbsent(origins, o -> Http.restrictedTo(http, o));
      ActionsIdTokens ids = idTokens != null && idTokens.sandbox() != route.sandboxed() ? null : idTokens;
      var provider = f.create(new ProviderContext(guarded, route.endpoints(), config.release(), artifacts, work,
          route.sandboxed(), config.dir(), ids));
      out.put(p.address(), new Target(p.address(), route.publication(), f, provider, route.endpoints(),
          route.location(), route.sandboxed(), cache));
    }
    return new Targets(out);
  }

  /** Where a target's credential may go: its endpoints' origins and those its provider trusts. */
  private static Set<String> origins(Map<String, String> endpoints, ProviderFactory f) {
    Set<String> out = new TreeSet<>(f.traits().trustedOrigins());
    for (String url : endpoints.values()) {
      String origin = Http.origin(url);
      if (origin != null) {
        out.add(origin);
      }
    }
    return out;
  }

  public Target get(Address a) {
    Target t = byAddress.get(a);
    if (t == null) {
      throw new IllegalArgumentException("no publication " + a + " in this release");
    }
    return t;
  }

  public Collection<Target> all() {
    return byAddress.values();
  }
}
