package dev.fanout.apply;

import dev.fanout.http.Bounds;
import dev.fanout.http.Http;
import dev.fanout.model.Address;
import dev.fanout.model.Publication;
import dev.fanout.plan.Action;
import dev.fanout.plan.Differ;
import dev.fanout.plan.Plan;
import dev.fanout.plan.PlannedChange;
import dev.fanout.provider.DesiredState;
import dev.fanout.provider.Provider;
import dev.fanout.provider.RegistryException;
import dev.fanout.provider.RegistryState;
import dev.fanout.target.Target;
import dev.fanout.target.Targets;
import dev.fanout.refresh.Acknowledgements;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The publish step of apply. A publication is never written twice: right before a write its
 * registry is read again and compared with what the release would publish, a transient
 * failure is retried only after another read (the first attempt may have landed), and after
 * the write the registry is read once more to verify it.
 */
final class Publisher {

  private final Targets targets;
  private final Plan plan;
  private final Journal journal;
  private final Acknowledgements acknowledged;
  private final Applier.Options options;
  private final long readTimeoutMillis;
  /** The release says {@code latest = true}: a backport moves latest too. */
  private final boolean latestRequested;
  /** Each registry's {@code concurrency} trait, shared by all its targets in the run. */
  private final Map<String, Semaphore> registryLimits = new ConcurrentHashMap<>();

  Publisher(Targets targets, Plan plan, Journal journal, Acknowledgements acknowledged, Applier.Options options,
      long readTimeoutMillis, boolean latestRequested) {
    this.latestRequested = latestRequested;
    this.targets = targets;
    this.plan = plan;
    this.journal = journal;
    this.acknowledged = acknowledged;
    this.options = options;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  NodeResult publish(Address a) throws InterruptedException {
    Target target = targets.get(a);
    Publication p = target.publication();
    Provider provider = target.provider();
    boolean mutable = target.traits().mutable();
    String location = target.location();
    Semaphore limit = registryLimits.computeIfAbsent(p.type(), t -> new Semaphore(target.traits().concurrency()));
    long deadline = System.nanoTime() + options.nodeDeadline().toNanos();
    RegistryException last = null;
    boolean wrote = false;
    List<String> written = new ArrayList<>();
    limit.acquire();
    // Reads retried inside the HTTP client are said too: a failing registry is never silence.
    try (Http.Notices notices = Http.retryNotices(d -> journal.record(a, "retry", "read " + d))) {
      for (int attempt = 1; attempt <= options.attempts() && System.nanoTime() < deadline; attempt++) {
        if (attempt > 1) {
          long wait = backoff(attempt, last);
          if (wrote && timedOut(last)) {
            // The registry may still be working on the write we stopped waiting for, and would
            // take it after our read found nothing: a second write of the version. Give it
            // twice as long as it already had before reading again.
            wait = Math.max(wait, 2L * readTimeoutMillis);
          }
          journal.record(a, "retry", "attempt " + attempt + " of " + options.attempts() + " in "
              + Http.seconds(java.time.Duration.ofMillis(wait)) + " after: " + last.getMessage());
          Thread.sleep(wait);
        }
        try {
          DesiredState desired = target.desired();
          // A write an earlier run saw acknowledged counts as in progress: never sent again.
          RegistryState before = acknowledged.overlay(target, desired.version(), provider.read(p));
          Differ.Verdict verdict = Differ.diff(before, desired, mutable, location, latestRequested);
          switch (verdict.action()) {
            case NO_OP -> {
              return new NodeResult(a, wrote ? Status.PUBLISHED : Status.UP_TO_DATE, null,
                  wrote ? "published (confirmed by a read after a retry)" : String.join("; ", verdict.reasons()),
                  null, 0, written);
            }
            case DRIFT -> {
              return new NodeResult(a, Status.DRIFT, "read", String.join("; ", verdict.reasons()) + ": "
                  + describe(verdict.items()), null, 0, written);
            }
            default -> { }
          }
          if (before.refusal() != null) {
            return new NodeResult(a, Status.BLOCKED, "read", p.type() + " would refuse it: " + before.refusal(),
                null, 0, written);
          }
          PlannedChange planned = plan.change(a);
          if (planned != null && planned.credentials() != null && planned.credentials().refuses()) {
            return new NodeResult(a, Status.BLOCKED, "credentials", planned.credentials().describe(), null, 0, written);
          }
          journal.record(a, "writing", String.join("; ", verdict.reasons()));
          // Set before the write: when its answer is lost and the retry's read finds the
          // version there, this run published it (it was reported "up to date" before).
          wrote = true;
          Provider.PublishResult result;
          try {
            result = provider.publish(p, before);
          } catch (java.nio.file.FileSystemException e) {
            // A file on this machine (a package being read, a work folder) and not the
            // registry: reported as local and never retried as a network failure.
            return Applier.failed(a, "package", "local file error, not the registry's: " + e.getMessage());
          } catch (IOException e) {
            // The connection broke during the write (a provider may let OkHttp's IOException
            // through): the write may have landed, so it is transient like a 5xx, and the
            // retry reads first. Before, it failed the target as a local "package" error.
            throw new RegistryException(p.type(), "publish", 0, "connection failed during the write: "
                + e.getMessage(), true, "it is retried after reading " + location + " again", e);
          }
          written.addAll(result.written());
          if (result.written().isEmpty()) {
            // The read above found something missing, and the write wrote nothing: another run
            // (a second CI runner on this release) made it in between, and the registry refused
            // or the provider skipped ours. Confirmed by the reads below, it is up to date.
            journal.record(a, "met", result.detail());
          } else {
            journal.record(a, "wrote", String.join(", ", result.written()));
          }
          Acknowledgements.Acknowledged ack = acknowledged.record(target, desired.version(), describeWrite(verdict, result));
          NodeResult verified = new Visibility(provider, p, desired, mutable, location, visibilityWait(target),
              latestRequested).await(a, ack, journal, written, describeWrite(verdict, result));
          return result.written().isEmpty() ? madeByAnotherRun(verified, result.detail()) : verified;
        } catch (RegistryException e) {
          last = e;
          if (wrote && refusedAsTaken(e)) {
            NodeResult met = confirmTaken(a, provider, p, mutable, location, e);
            if (met != null) {
              return met;
            }
          }
          // An answer too large, too slow or a bomb would be the same the next time.
          if (!e.isTransient() || Bounds.exceeded(e)) {
            return Applier.failed(a, e.operation(), e.getMessage());
          }
        } catch (IOException e) {
          return Applier.failed(a, "package", e.getMessage());
        }
      }
      return Applier.failed(a, last == null ? "deadline" : last.operation(),
          "gave up after " + options.attempts() + " attempts: " + (last == null ? "deadline passed" : last.getMessage()));
    } finally {
      limit.release();
    }
  }

  /**
   * A write refused because what it would make is taken (npm's 403 "cannot publish over", a 409,
   * GitHub's 422 "already exists", PyPI's 400 "File already exists") where the provider did not
   * look itself: when a read now finds what this run would publish, another run made it.
   */
  static boolean refusedAsTaken(RegistryException e) {
    int s = e.status();
    return !e.isTransient() && (s == 400 || s == 403 || s == 409 || s == 412 || s == 422);
  }

  private NodeResult confirmTaken(Address a, Provider provider, Publication p, boolean mutable, String location,
      RegistryException refusal) {
    try {
      DesiredState desired = provider.desired(p);
      Differ.Verdict now = Differ.diff(provider.read(p), desired, mutable, location, latestRequested);
      if (now.action() != Action.NO_OP) {
        return null;
      }
      journal.record(a, "met", refusal.getMessage());
      return new NodeResult(a, Status.UP_TO_DATE, null, "made by another run meanwhile (" + p.type()
          + " refused this run's write, and a read found it there): " + refusal.getMessage(), null, 0, List.of());
    } catch (RegistryException | IOException | RuntimeException e) {
      return null;
    }
  }

  /** A write that wrote nothing, verified: what the registry holds is another run's, so this one is up to date. */
  private static NodeResult madeByAnotherRun(NodeResult verified, String detail) {
    if (verified.status() != Status.PUBLISHED) {
      return verified;
    }
    return new NodeResult(verified.address(), Status.UP_TO_DATE, null, "made by another run meanwhile, confirmed by a read: "
        + (detail == null ? verified.detail() : detail), null, verified.millis(), verified.written());
  }

  private Duration visibilityWait(Target target) {
    return options.visibilityWait() != null ? options.visibilityWait() : target.traits().visibility();
  }

  private static String describeWrite(Differ.Verdict verdict, Provider.PublishResult result) {
    String what = result.detail() != null ? result.detail()
        : result.written().isEmpty() ? "published" : "wrote " + String.join(", ", result.written());
    return what + " (" + String.join("; ", verdict.reasons()) + ")";
  }

  static String describe(List<PlannedChange.ItemChange> items) {
    List<String> parts = new ArrayList<>();
    for (PlannedChange.ItemChange i : items) {
      parts.add(i.item() + " " + (i.before() == null ? "missing" : i.before()) + " vs " + i.after());
    }
    return String.join(", ", parts);
  }

  /** Did the request fail because the registry stayed silent longer than the client waits? */
  static boolean timedOut(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException
          || (t instanceof java.io.InterruptedIOException && "timeout".equals(t.getMessage()))) {
        return true;
      }
    }
    return false;
  }

  private static long backoff(int attempt, RegistryException last) {
    long base = 250L << Math.min(attempt - 2, 6);
    return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

}
