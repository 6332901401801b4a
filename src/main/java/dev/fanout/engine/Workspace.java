package dev.fanout.engine;

import dev.fanout.graph.ReleaseGraph;
import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Config;
import dev.fanout.model.Publication;
import dev.fanout.model.Secret;
import dev.fanout.provider.Endpoints;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderContext;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Providers;
import dev.fanout.sandbox.Sandbox;
import dev.fanout.sandbox.TokenPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;

/**
 * Everything a plan or apply of one configuration works with: the graph, the artifacts,
 * one HTTP client, one provider per publication (pointed at the sandbox under
 * {@code --sandbox}), and the redactor that keeps secrets out of every output.
 */
public final class Workspace implements AutoCloseable {

  private final Config config;
  private final ReleaseGraph graph;
  private final LocalArtifacts artifacts;
  private final OkHttpClient http;
  private final Sandbox sandbox;
  private final Map<Address, Publication> publications = new LinkedHashMap<>();
  private final Map<Address, Provider> providers = new LinkedHashMap<>();
  private final Map<Address, ProviderFactory> factories = new LinkedHashMap<>();
  private final Redactor redactor;

  private Workspace(Config config, Providers catalog, Sandbox sandbox, String version, Http.Policy policy) {
    this.config = config;
    this.graph = ReleaseGraph.of(config);
    this.artifacts = new LocalArtifacts(config.dir(), config.artifacts());
    this.http = Http.client(version, policy);
    this.sandbox = sandbox;
    List<Object> secretSources = new ArrayList<>();
    for (Publication p : config.publications().values()) {
      ProviderFactory f = catalog.get(p.type());
      Publication effective = sandbox == null ? p : forSandbox(p, f);
      publications.put(p.address(), effective);
      factories.put(p.address(), f);
      secretSources.add(p.settings());
      secretSources.add(p.attributes());
      Path work = stateDir().resolve("work").resolve(p.address().toString().replaceAll("[^A-Za-z0-9._-]", "_"));
      providers.put(p.address(), f.create(new ProviderContext(http, endpoints(f, effective), config.release(),
          artifacts, work, sandbox != null, config.dir())));
    }
    this.redactor = Redactor.of(secretSources);
  }

  /**
   * @param sandbox the running sandbox under {@code --sandbox}, else null; the caller owns it
   * @param version Fanout's version, for the User-Agent
   */
  public static Workspace open(Config config, Providers catalog, Sandbox sandbox, String version) {
    return open(config, catalog, sandbox, version, Http.Policy.standard());
  }

  /** As {@link #open(Config, Providers, Sandbox, String)}, with the HTTP client's retry and timeout settings. */
  public static Workspace open(Config config, Providers catalog, Sandbox sandbox, String version, Http.Policy policy) {
    return new Workspace(config, catalog, sandbox, version, policy);
  }

  /**
   * The publication as the sandbox sees it: a real credential never leaves for the sandbox.
   * Only values that are sandbox tokens are kept (so a test can present the read-only one);
   * anything else becomes the sandbox's write token.
   */
  private static Publication forSandbox(Publication p, ProviderFactory f) {
    Map<String, Object> settings = new LinkedHashMap<>(p.settings());
    String credential = f.credentialSetting();
    if (credential != null) {
      Secret given = p.secret(credential);
      boolean sandboxToken = given.isSet() && given.reveal().startsWith("fanout-sandbox-");
      settings.put(credential, sandboxToken ? given : new Secret("sandbox token", TokenPolicy.SANDBOX_TOKEN));
    }
    return new Publication(p.address(), p.type(), p.attributes(), settings);
  }

  private Map<String, String> endpoints(ProviderFactory f, Publication p) {
    return Endpoints.resolve(f, p.settings(), sandbox == null ? null : sandbox.urls());
  }

  public Config config() {
    return config;
  }

  public ReleaseGraph graph() {
    return graph;
  }

  public LocalArtifacts artifacts() {
    return artifacts;
  }

  public OkHttpClient http() {
    return http;
  }

  public Sandbox sandbox() {
    return sandbox;
  }

  public Redactor redactor() {
    return redactor;
  }

  public Publication publication(Address a) {
    return publications.get(a);
  }

  public Provider provider(Address a) {
    return providers.get(a);
  }

  public ProviderFactory factory(Address a) {
    return factories.get(a);
  }

  /** Where a registry is, for people: the first endpoint's host. */
  public String location(Address a) {
    ProviderFactory f = factories.get(a);
    Map<String, String> eps = endpoints(f, publications.get(a));
    String url = eps.values().stream().findFirst().orElse("");
    return sandbox != null ? f.sandboxEndpoints().values().stream().sorted().findFirst().orElse(f.type()) + " (sandbox)"
        : url.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
  }

  /** {@code DIR/.fanout}: journal, lock, work folders. */
  public Path stateDir() {
    return config.dir().resolve(".fanout");
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
