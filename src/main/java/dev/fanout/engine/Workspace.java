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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;

/**
 * Everything a plan or apply of one configuration works with: the graph, the artifacts,
 * one HTTP client, one provider per publication (pointed at the sandbox under
 * {@code --sandbox}, except the types kept real with {@code --sandbox-except}), and the
 * redactor that keeps secrets out of every output.
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
  private final Map<Address, Map<String, String>> endpoints = new LinkedHashMap<>();
  private final Set<Address> sandboxed = new LinkedHashSet<>();
  private final Map<Address, String> locations = new java.util.concurrent.ConcurrentHashMap<>();
  private final Redactor redactor;

  private Workspace(Config config, Providers catalog, Sandbox sandbox, Set<String> realTypes, String version,
      Http.Policy policy) {
    this.config = config;
    this.graph = ReleaseGraph.of(config);
    this.artifacts = new LocalArtifacts(config.dir(), config.artifacts());
    this.http = Http.client(version, policy);
    this.sandbox = sandbox;
    List<Object> secretSources = new ArrayList<>();
    for (Publication p : config.publications().values()) {
      ProviderFactory f = catalog.get(p.type());
      boolean toSandbox = sandbox != null && !realTypes.contains(p.type());
      Publication effective = toSandbox ? forSandbox(p, f) : sandbox != null ? besideSandbox(p, f) : p;
      Map<String, String> urls = Endpoints.resolve(f, effective.settings(), toSandbox ? sandbox.urls() : null);
      publications.put(p.address(), effective);
      factories.put(p.address(), f);
      endpoints.put(p.address(), urls);
      if (toSandbox) {
        sandboxed.add(p.address());
      }
      secretSources.add(p.settings());
      secretSources.add(p.attributes());
      Path work = stateDir().resolve("work").resolve(UNSAFE_IN_FOLDER_NAME.matcher(p.address().toString()).replaceAll("_"));
      providers.put(p.address(), f.create(new ProviderContext(http, urls, config.release(),
          artifacts, work, toSandbox, config.dir())));
    }
    this.redactor = Redactor.of(secretSources);
  }

  /**
   * @param sandbox the running sandbox under {@code --sandbox}, else null; the caller owns it
   * @param version Fanout's version, for the User-Agent
   */
  public static Workspace open(Config config, Providers catalog, Sandbox sandbox, String version) {
    return new Workspace(config, catalog, sandbox, Set.of(), version, Http.Policy.standard());
  }

  /**
   * @param realTypes under {@code --sandbox}: the publication types that keep their configured
   *     endpoints and credentials ({@code --sandbox-except}); the rest go to the sandbox
   * @param policy the HTTP client's retry and timeout settings (--http-timeout)
   */
  public static Workspace open(Config config, Providers catalog, Sandbox sandbox, Set<String> realTypes,
      String version, Http.Policy policy) {
    return new Workspace(config, catalog, sandbox, Set.copyOf(realTypes), version, policy);
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
      settings.put(credential, isSandboxToken(given) ? given : new Secret("sandbox token", TokenPolicy.SANDBOX_TOKEN));
    }
    return new Publication(p.address(), p.type(), p.attributes(), settings);
  }

  /**
   * A publication kept on its real registry while the rest run in the sandbox: its own
   * credential, unless that is a sandbox token, which a real registry never gets (it is
   * dropped, so the credential check says it is missing).
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

  private static boolean isSandboxToken(Secret s) {
    return s.isSet() && s.reveal().startsWith("fanout-sandbox-");
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
    // Asked for every target by plan, apply and drift: worked out once (two regular
    // expressions a call were a quarter of the Planner's time at 10,000 targets).
    return locations.computeIfAbsent(a, this::locate);
  }

  private String locate(Address a) {
    ProviderFactory f = factories.get(a);
    if (sandboxed.contains(a)) {
      return f.sandboxEndpoints().values().stream().sorted().findFirst().orElse(f.type()) + " (sandbox)";
    }
    // Only URLs: a setting such as the AUR's rpc = "none" names no host.
    String url = endpoints.get(a).values().stream().filter(u -> u.contains("://")).findFirst().orElse("");
    return PATH.matcher(SCHEME_AND_USER.matcher(url).replaceFirst("")).replaceFirst("");
  }

  private static final Pattern SCHEME_AND_USER = Pattern.compile("^[a-z+]+://([^@/]*@)?");
  private static final Pattern PATH = Pattern.compile("/.*$");
  private static final Pattern UNSAFE_IN_FOLDER_NAME = Pattern.compile("[^A-Za-z0-9._-]");

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
