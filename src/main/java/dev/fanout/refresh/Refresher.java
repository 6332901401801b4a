package dev.fanout.refresh;

import dev.fanout.model.Withdrawal;
import dev.fanout.provider.WithdrawStep;
import dev.fanout.provider.Withdrawing;

import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.provider.CredentialCheck;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Later;
import dev.fanout.provider.ProviderFactory;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.provider.Traits;
import dev.fanout.provider.TrustedPublishing;
import dev.fanout.target.Target;
import dev.fanout.target.Targets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
 * that cannot be read makes only its own target unknown. Error texts are kept as the
 * registries gave them: the sinks that print them redact.
 */
public final class Refresher {

  private final Targets targets;
  private final int parallelism;
  private final Acknowledgements acknowledged;
  private Withdrawal.All withdrawals = Withdrawal.All.NONE;
  private String releaseVersion;
  /**
   * Credential checks of {@link Traits.CredentialScope#ACCOUNT} registries, by type and
   * settings: repeating the same whoami for every package was 2 of every 3 requests to npm.
   */
  private final Map<List<Object>, CompletableFuture<CredentialCheck>> accountChecks = new ConcurrentHashMap<>();

  public Refresher(Targets targets, int parallelism) {
    this(targets, parallelism, null);
  }

  /** @param acknowledged writes registries acknowledged earlier, shown in progress until visible; may be null */
  public Refresher(Targets targets, int parallelism, Acknowledgements acknowledged) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
    }
    this.targets = targets;
    this.parallelism = parallelism;
    this.acknowledged = acknowledged;
  }

  /** Reads too what withdrawing these versions still means in each registry. */
  public Refresher withdrawing(Withdrawal.All all, String releaseVersion) {
    this.withdrawals = all;
    this.releaseVersion = releaseVersion;
    return this;
  }

  /**
   * What withdrawing still means for one target: the provider's steps, or for a provider that
   * cannot withdraw, a manual step per withdrawn version its registry holds.
   */
  public static List<WithdrawStep> withdrawal(Target target, RegistryState state, Withdrawal.All all,
      String releaseVersion) throws RegistryException {
    if (target.provider() instanceof Withdrawing w) {
      return w.withdrawal(target.publication(), all, releaseVersion);
    }
    List<WithdrawStep> steps = new ArrayList<>();
    for (Withdrawal v : all.list()) {
      if (state != null && state.holds(v.version())) {
        steps.add(WithdrawStep.manual(v.version(), "Fanout cannot withdraw from " + target.type() + " yet: withdraw "
            + v.version() + " by hand (" + v.reason() + ")", target.location()));
      }
    }
    return steps;
  }

  /** What a refresh tells the people waiting for it: each target's start and end, and each read retried. */
  public interface Listener {
    default void started(Address target) {
    }

    /** {@code done} targets of the refresh are read. */
    default void finished(Address target, int done) {
    }

    /** A read of the target's registry is tried again: what failed, the wait, the attempt. */
    default void retried(Address target, String detail) {
    }
  }

  /** Reads the given publications; {@code progress} hears how many are done. */
  public Snapshot refresh(Collection<Address> publications, IntConsumer progress) throws InterruptedException {
    return refresh(publications, new Listener() {
      @Override
      public void finished(Address target, int done) {
        progress.accept(done);
      }
    });
  }

  /** Reads the given publications, telling {@code listener} as it goes. */
  public Snapshot refresh(Collection<Address> publications, Listener listener) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, publications.size())),
        r -> {
          Thread t = new Thread(r, "fanout-refresh");
          t.setDaemon(true);
          return t;
        });
    // Checks run beside the reads, and a target's thread moves on before its check answers;
    // at most as many checks as refresh threads are out at once (a release of 10,000 formulas
    // must not start 10,000 threads).
    Semaphore checksOut = new Semaphore(parallelism);
    ExecutorService checks = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fanout-credentials");
      t.setDaemon(true);
      return t;
    });
    Map<String, Semaphore> limits = new ConcurrentHashMap<>();
    AtomicInteger done = new AtomicInteger();
    try {
      List<Future<CompletableFuture<TargetState>>> futures = new ArrayList<>();
      for (Address a : publications) {
        futures.add(pool.submit(() -> {
          Target target = targets.get(a);
          Semaphore limit = limits.computeIfAbsent(target.type(), k -> new Semaphore(target.traits().concurrency()));
          limit.acquire();
          listener.started(a);
          CompletableFuture<TargetState> state;
          try (Http.Notices notices = Http.retryNotices(d -> listener.retried(a, d));
              Http.Notices serial = parallelism == 1 ? Later.oneAtATime() : null) {
            state = reading(a, parallelism == 1 ? null : checks, checksOut, d -> listener.retried(a, d));
          } catch (RuntimeException | InterruptedException | Error e) {
            listener.finished(a, done.incrementAndGet());
            throw e;
          } finally {
            limit.release();
          }
          // Done for the people waiting when its credential check has answered too.
          return state.whenComplete((s, e) -> listener.finished(a, done.incrementAndGet()));
        }));
      }
      Map<Address, TargetState> out = new java.util.TreeMap<>();
      for (Future<CompletableFuture<TargetState>> f : futures) {
        try {
          TargetState s = f.get().get();
          out.put(s.address(), s);
        } catch (ExecutionException e) {
          throw new IllegalStateException("refresh failed unexpectedly", e.getCause());
        }
      }
      return new Snapshot(out);
    } finally {
      pool.shutdownNow();
      checks.shutdownNow();
    }
  }

  /** One target: credentials, state and desired content, each failure kept as text. */
  public TargetState read(Address a) {
    try {
      return reading(a, null, null, d -> { }).join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CancellationException("interrupted while reading " + a);
    }
  }

  /**
   * One target. With {@code checks}, the credential check runs beside the read (they ask the
   * registry different questions, and a target's reads are what a plan waits for), except for
   * a registry that takes one request at a time.
   */
  private CompletableFuture<TargetState> reading(Address a, ExecutorService checks, Semaphore checksOut,
      java.util.function.Consumer<String> retried) throws InterruptedException {
    long started = System.nanoTime();
    Target target = targets.get(a);
    Publication p = target.publication();
    CompletableFuture<CredentialCheck> check;
    if (checks != null && target.traits().concurrency() > 1) {
      checksOut.acquire();
      check = CompletableFuture.supplyAsync(() -> {
        try (Http.Notices notices = Http.retryNotices(retried)) {
          return sharedCredentials(target);
        } finally {
          checksOut.release();
        }
      }, checks);
    } else {
      check = CompletableFuture.completedFuture(sharedCredentials(target));
    }
    // What the release would publish is worked out (packages built, digests taken) while the
    // registry answers: CPU beside the network wait.
    CompletableFuture<Object> building = checks != null
        ? CompletableFuture.supplyAsync(() -> desiredOrError(target), checks)
        : null;
    RegistryState state = null;
    String readError = null;
    try {
      state = target.provider().read(p);
    } catch (RegistryException e) {
      readError = e.getMessage();
    } catch (RuntimeException e) {
      readError = p.type() + " read failed: " + e;
    }
    Object built = building != null ? building.join() : desiredOrError(target);
    DesiredState desired = built instanceof DesiredState d ? d : null;
    String desiredError = built instanceof String e ? e : null;
    if (acknowledged != null && desired != null) {
      state = acknowledged.overlay(target, desired.version(), state);
    }
    List<WithdrawStep> steps = List.of();
    String withdrawalError = null;
    if (state != null && (!withdrawals.isEmpty() || state.pointers().containsKey(RegistryState.YANKED))) {
      try {
        steps = withdrawal(target, state, withdrawals, releaseVersion);
      } catch (RegistryException e) {
        withdrawalError = e.getMessage();
      } catch (RuntimeException e) {
        withdrawalError = p.type() + " withdrawal read failed: " + e;
      }
    }
    // The target's answer waits for its credential check, but its refresh thread does not:
    // the next target's reads start while this one's check is still out.
    RegistryState read = state;
    String readFailure = readError;
    List<WithdrawStep> withdrawing = steps;
    String withdrawingFailure = withdrawalError;
    return check.handle((credentials, failed) -> new TargetState(a, read, readFailure,
        failed == null ? credentials : new CredentialCheck(CredentialCheck.Status.ERROR, "check failed: "
            + (failed instanceof java.util.concurrent.CompletionException c ? c.getCause() : failed)),
        desired, desiredError, (System.nanoTime() - started) / 1_000_000, withdrawing, withdrawingFailure));
  }

  /** The target's desired state, or the text of why it cannot be worked out. */
  private static Object desiredOrError(Target target) {
    try {
      return target.desired();
    } catch (Exception e) {
      return e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }

  /**
   * The check of an account-scoped registry once per settings, of the others every time;
   * concurrent callers with the same settings wait for the first one's answer.
   */
  private CredentialCheck sharedCredentials(Target target) {
    // A trusted-publishing exchange is per package, whatever the registry's token scope.
    if (target.traits().credentialScope() != Traits.CredentialScope.ACCOUNT
        || TrustedPublishing.enabled(target.publication())) {
      return credentials(target);
    }
    CompletableFuture<CredentialCheck> mine = new CompletableFuture<>();
    CompletableFuture<CredentialCheck> first = accountChecks.putIfAbsent(
        List.of(target.type(), target.publication().settings()), mine);
    if (first != null) {
      return first.join();
    }
    try {
      CredentialCheck c = credentials(target);
      mine.complete(c);
      return c;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private static CredentialCheck credentials(Target target) {
    Publication p = target.publication();
    ProviderFactory f = target.factory();
    String setting = f.credentialSetting();
    if (setting != null && !f.credentialOptional() && !p.secret(setting).isSet() && !TrustedPublishing.enabled(p)) {
      return new CredentialCheck(CredentialCheck.Status.MISSING,
          "no credential: " + describe(p.secret(setting).source(), f) + " is not set");
    }
    try {
      return target.provider().checkCredentials(p);
    } catch (RuntimeException e) {
      return new CredentialCheck(CredentialCheck.Status.ERROR, "check failed: " + e);
    }
  }

  private static String describe(String source, ProviderFactory f) {
    if (source == null || source.startsWith("provider setting")) {
      return "provider \"" + f.settingsBlock() + "\" " + f.credentialSetting();
    }
    return source.startsWith("env ") ? source.substring(4) : source;
  }
}
