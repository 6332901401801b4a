package dev.fanout.engine;

import dev.fanout.apply.Applier;
import dev.fanout.apply.ApplyResult;
import dev.fanout.apply.Journal;
import dev.fanout.apply.Lock;
import dev.fanout.apply.Report;
import dev.fanout.apply.Walker;
import dev.fanout.artifact.LocalArtifacts;
import dev.fanout.drift.DriftChecker;
import dev.fanout.drift.DriftReport;
import dev.fanout.graph.ReleaseGraph;
import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Artifact;
import dev.fanout.model.BuildStep;
import dev.fanout.model.Config;
import dev.fanout.model.Publication;
import dev.fanout.output.Redactor;
import dev.fanout.plan.Action;
import dev.fanout.plan.Plan;
import dev.fanout.plan.PlannedChange;
import dev.fanout.plan.Planner;
import dev.fanout.provider.ActionsIdTokens;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.Providers;
import dev.fanout.refresh.Acknowledgements;
import dev.fanout.refresh.Refresher;
import dev.fanout.refresh.Snapshot;
import dev.fanout.refresh.TargetState;
import dev.fanout.target.Routing;
import dev.fanout.target.Targets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntConsumer;
import okhttp3.OkHttpClient;

/**
 * The one place the pipeline is wired, in the manner of Flyway's facade: parse is done by
 * the caller (it owns the diagnostics); then graph, targets, refresh, plan, apply and drift,
 * each stage handed the plain values of the one before. The commands, the sandbox's seeder
 * and the benchmarks all go through here.
 */
public final class Engine implements AutoCloseable {

  /**
   * How a run reaches the registries.
   *
   * @param routing where each publication goes: its registry, or the sandbox's emulator
   * @param version Fanout's version, for the User-Agent
   * @param http retry and timeout settings ({@code --http-timeout}); pacing comes from the providers
   * @param commit the git commit the release is made from, or null outside git: a build
   *     record made at another commit does not vouch for the outputs on disk
   */
  /**
   * How a run reaches the registries.
   *
   * @param idTokens where trusted publishing gets GitHub Actions ID tokens (the job's, or the
   *     sandbox issuer's under --sandbox); null when there is none
   */
  public record Settings(Routing routing, String version, Http.Policy http, int parallelism, String commit,
      ActionsIdTokens idTokens) {
    public Settings {
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
      }
    }

    public Settings(Routing routing, String version, Http.Policy http, int parallelism, String commit) {
      this(routing, version, http, parallelism, commit, null);
    }

    /** The real registries, standard HTTP settings, ten at a time. */
    public static Settings standard(String version) {
      return new Settings(Routing.direct(), version, Http.Policy.standard(), 10, null);
    }

    public Settings withRouting(Routing routing) {
      return new Settings(routing, version, http, parallelism, commit, idTokens);
    }

    public Settings withHttp(Http.Policy policy) {
      return new Settings(routing, version, policy, parallelism, commit, idTokens);
    }

    public Settings withParallelism(int n) {
      return new Settings(routing, version, http, n, commit, idTokens);
    }

    public Settings withCommit(String hash) {
      return new Settings(routing, version, http, parallelism, hash, idTokens);
    }

    public Settings withIdTokens(ActionsIdTokens source) {
      return new Settings(routing, version, http, parallelism, commit, source);
    }
  }

  /** What drift found, with the registry reads it was made from. */
  public record Drift(DriftReport report, Snapshot snapshot) { }

  /** A saved plan that no longer describes the release or its registries. */
  public static final class StalePlanException extends Exception {
    StalePlanException(String message) {
      super(message);
    }
  }

  private final Config config;
  private final ReleaseGraph graph;
  private final LocalArtifacts artifacts;
  private final OkHttpClient http;
  private final dev.fanout.target.DesiredCache desiredCache;
  private final Targets targets;
  private final Redactor redactor;
  private final int parallelism;
  private final String commit;

  private Engine(Config config, Providers providers, Settings settings, Redactor redactor) {
    this.config = config;
    this.graph = ReleaseGraph.of(config);
    this.commit = settings.commit();
    this.artifacts = new LocalArtifacts(config.dir(), config.artifacts(), config.builds(),
        config.dir().resolve(".fanout"), config.release().version(), commit);
    this.http = Http.client(settings.version(), settings.http().withPacing(pacing(providers)));
    this.desiredCache = dev.fanout.target.DesiredCache.open(stateDir(), config.release(), config.artifacts().keySet(),
        artifacts);
    this.targets = Targets.bind(config, providers, settings.routing(), http, artifacts, stateDir(), settings.idTokens(),
        desiredCache);
    desiredCache.expect(this.targets::all);
    this.redactor = redactor;
    this.parallelism = settings.parallelism();
    List<Object> secrets = new ArrayList<>();
    for (Publication p : config.publications().values()) {
      secrets.add(p.settings());
      secrets.add(p.attributes());
    }
    if (settings.idTokens() != null) {
      secrets.add(settings.idTokens().requestToken());
    }
    redactor.learn(secrets);
  }

  /**
   * Binds a loaded configuration to its registries. The redactor learns every secret of the
   * release, so the sinks made with it keep them out.
   */
  public static Engine open(Config config, Providers providers, Settings settings, Redactor redactor) {
    return new Engine(config, providers, settings, redactor);
  }

  private static Map<String, Duration> pacing(Providers providers) {
    Map<String, Duration> out = new HashMap<>();
    for (ProviderFactory f : providers.all().values()) {
      out.putAll(f.traits().pacing());
    }
    return out;
  }

  public Config config() {
    return config;
  }

  public ReleaseGraph graph() {
    return graph;
  }

  public Targets targets() {
    return targets;
  }

  public Redactor redactor() {
    return redactor;
  }

  /** {@code DIR/.fanout}: journal, lock, work folders. */
  public Path stateDir() {
    return config.dir().resolve(".fanout");
  }

  /** Writes the registries acknowledged and may not show yet: {@code .fanout/acknowledged.json}. */
  public Acknowledgements acknowledged() {
    return new Acknowledgements(stateDir(), java.time.Clock.systemUTC());
  }

  /** The publications to work on: all of them, or the chosen nodes' and what they need. */
  public Set<Address> scope(Collection<Address> chosen) {
    Set<Address> all = new LinkedHashSet<>(config.publications().keySet());
    if (chosen.isEmpty()) {
      return all;
    }
    Set<Address> closure = graph.closure(Set.copyOf(chosen));
    closure.retainAll(all);
    return closure;
  }

  /** Reads the scope's registries and plans it; {@code progress} hears how many targets are read. */
  public Plan plan(Set<Address> scope, boolean partial, IntConsumer progress) throws InterruptedException {
    return plan(refresh(scope, progress), scope, partial);
  }

  /** What the scope's registries hold, whether the credentials can write, and what the release would publish. */
  public Snapshot refresh(Set<Address> scope, IntConsumer progress) throws InterruptedException {
    return refresher().refresh(scope, progress);
  }

  /** Reads the scope's registries and plans it; {@code listener} hears each target start, end and retry. */
  public Plan plan(Set<Address> scope, boolean partial, Refresher.Listener listener) throws InterruptedException {
    return plan(refresher().refresh(scope, listener), scope, partial);
  }

  /** The plan for a snapshot already read. */
  public Plan plan(Snapshot snapshot, Set<Address> scope, boolean partial) {
    return new Planner(config, graph, targets, artifacts).plan(snapshot, scope, partial);
  }

  /**
   * Takes the build outputs another machine made ({@code apply --artifacts DIR}): each file in
   * {@code dir} named as a build output of an artifact is checked against the digest the plan
   * pinned, then put where the build would have left it, and its build counts as run, so apply
   * publishes those bytes instead of building others.
   *
   * @param pinned the saved plan's artifact digests, by address ({@code sha256:HEX}); empty to check none
   * @return the artifacts taken, in address order
   */
  public List<Address> adoptArtifacts(Path dir, Map<String, String> pinned) throws IOException, StalePlanException {
    if (!Files.isDirectory(dir)) {
      throw new StalePlanException("--artifacts " + dir + " is not a folder: give the folder the build jobs' outputs"
          + " were downloaded to.");
    }
    List<Address> taken = new java.util.ArrayList<>();
    for (Artifact a : new java.util.TreeMap<>(config.artifacts()).values()) {
      BuildStep build = a.builtBy() == null ? null : config.builds().get(a.builtBy());
      if (build == null) {
        continue;
      }
      for (String source : a.sources()) {
        if (!build.outputs().contains(source)) {
          continue;
        }
        Path file = dir.resolve(Path.of(source).getFileName().toString());
        if (!Files.isRegularFile(file)) {
          continue;
        }
        String sha = "sha256:" + dev.fanout.provider.Digests.sha256Hex(file);
        String planned = pinned.get(a.address().toString());
        if (planned != null && !planned.equals(sha)) {
          throw new StalePlanException(a.address() + ": " + file + " is not the file the plan showed: the plan has "
              + planned + ", the file " + sha + ". Give the build outputs of the commit the plan was made at, or make"
              + " a new plan.");
        }
        Path into = config.dir().resolve(source).normalize();
        Files.createDirectories(into.getParent());
        Files.copy(file, into, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        artifacts.built(a.builtBy());
        taken.add(a.address());
      }
    }
    return taken;
  }

  /** The saved plan, if nothing changed since: not the configuration, not any target's registry. */
  public Plan checkSaved(Plan saved, Path file) throws StalePlanException {
    if (!saved.configHash().equals(config.hash())) {
      throw new StalePlanException("Saved plan is stale: the release files or variables changed since " + file
          + " was made. Make a new plan.");
    }
    for (Map.Entry<String, String> pinned : saved.artifactDigests().entrySet()) {
      Address artifact = Address.parse(pinned.getKey());
      String sha = artifacts.sha256OnDisk(artifact);
      String now = sha == null ? "no file" : "sha256:" + sha;
      if (!now.equals(pinned.getValue())) {
        throw new StalePlanException("Saved plan is stale: " + pinned.getKey() + " is not the file the plan showed:"
            + " the plan has " + pinned.getValue() + ", the file now " + now + ". Make a new plan.");
      }
      Address build = config.artifacts().get(artifact).builtBy();
      String stale = build == null ? null : artifacts.stale(build);
      if (stale != null) {
        throw new StalePlanException("Saved plan is stale: " + pinned.getKey() + " was built for the plan, but " + build
            + " is no longer up to date (" + stale + "); apply would build other bytes. Make a new plan.");
      }
    }
    Refresher refresher = refresher();
    for (PlannedChange c : saved.changes()) {
      if (!config.publications().containsKey(c.address())) {
        throw new StalePlanException("Saved plan is stale: " + c.address() + " is no longer in the release.");
      }
      TargetState now = refresher.read(c.address());
      if (!Planner.fingerprint(now.state()).equals(c.fingerprint())) {
        throw new StalePlanException("Saved plan is stale: " + c.address() + " changed on " + c.location()
            + " after the plan was made (another operation published or changed it). Make a new plan.");
      }
    }
    return saved;
  }

  /**
   * Runs every build step alone ({@code fanout build}), in dependency order, and records what
   * they made in {@code .fanout/build.json}, so a plan shows the digests apply will publish.
   */
  public List<dev.fanout.apply.NodeResult> build() throws IOException {
    return build(b -> true);
  }

  /** {@link #build()} of the build steps {@code only} accepts ({@code fanout build --only os=darwin}). */
  public List<dev.fanout.apply.NodeResult> build(java.util.function.Predicate<Address> only) throws IOException {
    List<dev.fanout.apply.NodeResult> results = Applier.buildAll(config, graph, artifacts, stateDir(), only);
    artifacts.recordBuilds();
    return results;
  }

  /** Whether apply of this plan would write or retry anything. */
  public static boolean hasWork(Plan plan) {
    return plan.hasChanges() || plan.changes().stream().anyMatch(c -> c.action() == Action.UNKNOWN);
  }

  /** One apply of this release at a time; see {@link Lock}. */
  public Lock lock(Duration timeout) throws IOException, Lock.HeldException {
    String what = "apply of " + config.release().name() + " " + config.release().version();
    Lock.GitRef ref = lockRef(config);
    return ref == null ? Lock.acquire(stateDir(), what, timeout) : Lock.acquire(ref, what, timeout);
  }

  /** The release's {@code lock} as a git ref, or null for the file lock in {@code .fanout}. */
  public static Lock.GitRef lockRef(Config config) {
    Map<String, Object> extra = config.release().extra();
    if (!(extra.get("lock") instanceof String url) || url.isBlank()) {
      return null;
    }
    Object token = extra.get("lock_token");
    String secret = token instanceof dev.fanout.model.Secret s ? (s.isSet() ? s.reveal() : null)
        : token instanceof String t ? t : null;
    Object user = extra.get("lock_username");
    return new Lock.GitRef(url, "refs/fanout/locks/" + config.release().name().replaceAll("[^A-Za-z0-9._-]", "-"),
        user instanceof String u ? u : null, secret);
  }

  /**
   * Applies the plan, journaled. A plan with nothing to do is journaled too (found by the
   * crash drill): when a killed run's last writes had landed, this run is the one that closes
   * its unfinished targets in the history, which before never saw them end.
   */
  public ApplyResult apply(Plan plan, Walker.Listener listener, Applier.Options options)
      throws IOException, InterruptedException {
    try (Journal journal = new Journal(stateDir().resolve("journal.jsonl"), UUID.randomUUID().toString(), redactor)) {
      journal.observe((address, event, detail) -> {
        if ("retry".equals(event) && address != null) {
          listener.retried(address, detail);
        }
      });
      journal.record(null, "apply_start", plan.release() + " " + plan.version());
      ApplyResult result = new Applier(config, graph, targets, artifacts, http, stateDir(), acknowledged(), options)
          .apply(plan, journal, listener);
      journal.record(null, "apply_end", hasWork(plan) ? Report.successLine(result) : "nothing to publish");
      return result;
    }
  }

  /** A refresh of this release's targets, reading what its withdrawals still mean in each registry too. */
  private Refresher refresher() {
    return new Refresher(targets, parallelism, acknowledged()).withdrawing(config.withdrawals(),
        config.release().version());
  }

  /** Do the scope's registries still serve the release, and agree with each other? Writes nothing. */
  public Drift drift(Set<Address> scope, String version) throws InterruptedException {
    Snapshot snapshot = refresh(scope, n -> { });
    return new Drift(new DriftChecker(config, targets, artifacts, http, version).check(snapshot), snapshot);
  }

  @Override
  public void close() {
    desiredCache.save();
    // Short-lived credentials a registry can revoke are revoked when the run ends.
    for (var t : targets.all()) {
      t.provider().close();
    }
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
