package dev.fanout.provider;

import dev.fanout.http.Http;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import okhttp3.OkHttpClient;

/**
 * A registry read started now on the HTTP client's threads and taken later: the reads of one
 * target that need no answer from each other (a repository and its pull requests, an index and
 * a version) go out together, so a target's refresh takes its longest chain of dependent
 * requests, not their sum. {@link #get()} throws what the read threw.
 *
 * <p>The client's dispatcher runs an unbounded pool, so a read waiting for another never
 * starves it; the client's own limits (per-host pacing, retries) still apply to each request.
 */
public final class Later<T> {

  /** A read: a registry call that may fail as registry calls do. */
  @FunctionalInterface
  public interface Read<T> {
    T call() throws RegistryException;
  }

  /** Set on a thread whose run asked for one request at a time ({@code --parallelism 1}). */
  private static final ThreadLocal<Boolean> ONE_AT_A_TIME = new ThreadLocal<>();

  private final Future<T> future;

  private Later(Future<T> future) {
    this.future = future;
  }

  /**
   * Starts {@code read} on {@code http}'s threads; the caller's retry notices go with it. On a
   * thread inside {@link #oneAtATime()} the read runs here and now, so a run asked to make one
   * request at a time does.
   */
  public static <T> Later<T> start(OkHttpClient http, Read<T> read) {
    if (Boolean.TRUE.equals(ONE_AT_A_TIME.get())) {
      java.util.concurrent.CompletableFuture<T> done = new java.util.concurrent.CompletableFuture<>();
      try {
        done.complete(read.call());
      } catch (RegistryException | RuntimeException | Error e) {
        done.completeExceptionally(e);
      }
      return new Later<>(done);
    }
    return new Later<>(http.dispatcher().executorService().submit(Http.withNotices(read::call)));
  }

  /**
   * Until the handle closes, reads this thread starts run one after another on it: what
   * {@code --parallelism 1} means, one request in flight at a time.
   */
  public static Http.Notices oneAtATime() {
    Boolean before = ONE_AT_A_TIME.get();
    ONE_AT_A_TIME.set(Boolean.TRUE);
    return () -> ONE_AT_A_TIME.set(before);
  }

  /** An answer known already, for code paths that have it without a request. */
  public static <T> Later<T> now(T value) {
    return new Later<>(java.util.concurrent.CompletableFuture.completedFuture(value));
  }

  /** The read's answer, waiting for it; an interrupted wait is a cancelled run. */
  public T get() throws RegistryException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RegistryException r) {
        throw r;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new java.util.concurrent.CancellationException("interrupted while waiting for a registry read");
    }
  }

  /** Stops waiting for a read whose answer is no longer needed (another read failed first). */
  public void cancel() {
    future.cancel(true);
  }
}
