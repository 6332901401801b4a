package dev.fanout.refresh;

import dev.fanout.engine.Workspace;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Asks every target registry, concurrently, what it holds, whether the credentials can
 * write, and works out what the release would publish. Nothing is written. A registry
 * that cannot be read makes only its own target unknown.
 */
public final class Refresher {

  /** Registries that ask for fewer requests at once than the run's parallelism. */
  static final Map<String, Integer> PER_REGISTRY_LIMIT = Map.of("crates", 1);

  /**
   * Types whose credential check depends only on the provider settings (endpoint and token),
   * not on the publication: npm and GitHub Packages ask whoami and the token list, the same
   * two requests for every package. Their check runs once per distinct settings in a run
   * instead of once per publication: those repeated checks were 2 of every 3 requests to these
   * registries and a third to a half of the refresh's time (docs/performance.md). Docker and GitHub checks name the repository, so
   * they stay per publication. This belongs in the provider SPI once more registries need it.
   */
  static final Set<String> ACCOUNT_CREDENTIALS = Set.of("npm", "github_packages");

  private final Workspace workspace;
  private final int parallelism;
  /** Credential checks of {@link #ACCOUNT_CREDENTIALS} types, by type and settings. */
  private final Map<List<Object>, CompletableFuture<CredentialCheck>> accountChecks = new ConcurrentHashMap<>();

  public Refresher(Workspace workspace, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
    }
    this.workspace = workspace;
    this.parallelism = parallelism;
  }

  /** Reads the given publications; {@code progress} hears how many are done. */
  public Snapshot refresh(Collection<Address> publications, IntConsumer progress) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, publications.size())),
        r -> {
          Thread t = new Thread(r, "fanout-refresh");
          t.setDaemon(true);
          return t;
        });
    Map<String, Semaphore> limits = new ConcurrentHashMap<>();
    AtomicInteger done = new AtomicInteger();
    try {
      List<Future<TargetState>> futures = new ArrayList<>();
      for (Address a : publications) {
        futures.add(pool.submit(() -> {
          ProviderFactory f = workspace.factory(a);
          Semaphore limit = limits.computeIfAbsent(f.type(),
              k -> new Semaphore(PER_REGISTRY_LIMIT.getOrDefault(k, Integer.MAX_VALUE)));
          limit.acquire();
          try {
            return read(a);
          } finally {
            limit.release();
            progress.accept(done.incrementAndGet());
          }
        }));
      }
      Map<Address, TargetState> out = new java.util.TreeMap<>();
      for (Future<TargetState> f : futures) {
        try {
          TargetState s = f.get();
          out.put(s.address(), s);
        } catch (ExecutionException e) {
          throw new IllegalStateException("refresh failed unexpectedly", e.getCause());
        }
      }
      return new Snapshot(out);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One target: credentials, state and desired content, each failure kept as text. */
  public TargetState read(Address a) {
    long started = System.nanoTime();
    Publication p = workspace.publication(a);
    Provider provider = workspace.provider(a);
    CredentialCheck credentials = sharedCredentials(p, workspace.factory(a), provider);
    RegistryState state = null;
    String readError = null;
    try {
      state = provider.read(p);
    } catch (RegistryException e) {
      readError = workspace.redactor().redact(e.getMessage());
    } catch (RuntimeException e) {
      readError = workspace.redactor().redact(p.type() + " read failed: " + e);
    }
    DesiredState desired = null;
    String desiredError = null;
    try {
      desired = provider.desired(p);
    } catch (Exception e) {
      desiredError = workspace.redactor().redact(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    return new TargetState(a, state, readError, credentials, desired, desiredError,
        (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * The check of an {@link #ACCOUNT_CREDENTIALS} type once per settings, of the others every
   * time; concurrent callers with the same settings wait for the first one's answer.
   */
  private CredentialCheck sharedCredentials(Publication p, ProviderFactory f, Provider provider) {
    if (!ACCOUNT_CREDENTIALS.contains(f.type())) {
      return credentials(p, f, provider);
    }
    CompletableFuture<CredentialCheck> mine = new CompletableFuture<>();
    CompletableFuture<CredentialCheck> first = accountChecks.putIfAbsent(List.of(f.type(), p.settings()), mine);
    if (first != null) {
      return first.join();
    }
    try {
      CredentialCheck c = credentials(p, f, provider);
      mine.complete(c);
      return c;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private CredentialCheck credentials(Publication p, ProviderFactory f, Provider provider) {
    String setting = f.credentialSetting();
    if (setting != null && !p.secret(setting).isSet()) {
      return new CredentialCheck(CredentialCheck.Status.MISSING,
          "no credential: " + describe(p.secret(setting).source(), f) + " is not set");
    }
    try {
      CredentialCheck c = provider.checkCredentials(p);
      return new CredentialCheck(c.status(), workspace.redactor().redact(c.detail()));
    } catch (RuntimeException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, workspace.redactor().redact("check failed: " + e));
    }
  }

  private static String describe(String source, ProviderFactory f) {
    if (source == null || source.startsWith("provider setting")) {
      return "provider \"" + f.settingsBlock() + "\" " + f.credentialSetting();
    }
    return source.startsWith("env ") ? source.substring(4) : source;
  }
}
