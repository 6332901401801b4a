package dev.fanout.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The one HTTP client every provider uses. It adds a descriptive User-Agent (some
 * registries refuse requests without one), retries reads on 5xx, 429 and connection failures with
 * backoff and jitter (honouring {@code Retry-After} and GitHub's rate-limit headers), spaces
 * requests to hosts that ask for it, and guards credentials: they never cross to another
 * host on a redirect and never travel over plain HTTP except to loopback.
 *
 * <p>Writes are not retried here: the apply stage reads the registry again before retrying
 * a write, because the first attempt may have landed.
 */
public final class Http {

  /** Headers that carry credentials; stripped on any cross-host hop. */
  static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "x-nuget-apikey",
      "npm-otp", "private-token", "x-api-key", "proxy-authorization", "cookie");

  /** How long a run waits for rate limits in all unless {@code --rate-limit-wait} says otherwise. */
  public static final Duration DEFAULT_RATE_LIMIT_WAIT = Duration.ofMinutes(15);

  /**
   * How long GitHub asks to wait after a secondary rate limit that gives no {@code Retry-After}:
   * "wait for at least one minute before retrying" (docs.github.com, rate limits for the REST API).
   */
  static final Duration SECONDARY_LIMIT_PAUSE = Duration.ofMinutes(1);

  private Http() {
  }

  /**
   * Retry, pacing and timeout settings.
   *
   * @param readTimeout how long a registry may stay silent before the request counts as failed:
   *     a read is then retried here, a write is left to apply (which reads the registry again)
   * @param rateLimitWait the run's deadline for rate limits, from the client's creation: a
   *     registry that rate limits (429, GitHub's 403s) is waited for as long as it says, as
   *     long as the wait ends before this deadline ({@code --rate-limit-wait})
   */
  public record Policy(int maxAttempts, Duration maxBackoff, Map<String, Duration> minIntervalByHost,
      Duration readTimeout, Duration rateLimitWait) {
    public Policy {
      if (readTimeout.isNegative() || readTimeout.isZero()) {
        throw new IllegalArgumentException("read timeout must be positive, not " + readTimeout);
      }
      if (rateLimitWait.isNegative()) {
        throw new IllegalArgumentException("rate limit wait must not be negative, not " + rateLimitWait);
      }
    }

    public Policy(int maxAttempts, Duration maxBackoff, Map<String, Duration> minIntervalByHost, Duration readTimeout) {
      this(maxAttempts, maxBackoff, minIntervalByHost, readTimeout, DEFAULT_RATE_LIMIT_WAIT);
    }

    /** No pacing: the engine adds what the providers' traits ask for ({@link #withPacing}). */
    public static Policy standard() {
      return new Policy(4, Duration.ofSeconds(30), Map.of(), Duration.ofSeconds(60), DEFAULT_RATE_LIMIT_WAIT);
    }

    /** Adds the least time between requests to these hosts. */
    public Policy withPacing(Map<String, Duration> byHost) {
      Map<String, Duration> all = new java.util.HashMap<>(minIntervalByHost);
      all.putAll(byHost);
      return new Policy(maxAttempts, maxBackoff, Map.copyOf(all), readTimeout, rateLimitWait);
    }

    public Policy withReadTimeout(Duration timeout) {
      return new Policy(maxAttempts, maxBackoff, minIntervalByHost, timeout, rateLimitWait);
    }

    public Policy withRateLimitWait(Duration wait) {
      return new Policy(maxAttempts, maxBackoff, minIntervalByHost, readTimeout, wait);
    }
  }

  /** Who hears of the reads this thread's requests retry: the target the thread works for. */
  private static final ThreadLocal<java.util.function.Consumer<String>> RETRY_NOTICES = new ThreadLocal<>();

  /**
   * Until the returned handle is closed, every read this thread's requests retry is told to
   * {@code notice} ({@code GET host/path: HTTP 503; again in 0.4s, attempt 2 of 4}), so a run
   * never sits silent while a registry fails. Requests run on the caller's thread.
   */
  public static Notices retryNotices(java.util.function.Consumer<String> notice) {
    java.util.function.Consumer<String> before = RETRY_NOTICES.get();
    RETRY_NOTICES.set(notice);
    return () -> RETRY_NOTICES.set(before);
  }

  /**
   * Runs {@code read} with this thread's retry notices: a read started on another thread for
   * the same target (see {@code dev.fanout.provider.Later}) still tells its target of retries.
   */
  public static <T> java.util.concurrent.Callable<T> withNotices(java.util.concurrent.Callable<T> read) {
    java.util.function.Consumer<String> notice = RETRY_NOTICES.get();
    return () -> {
      try (Notices ignored = retryNotices(notice)) {
        return read.call();
      }
    };
  }

  /** Ends the notices of {@link #retryNotices}. */
  public interface Notices extends AutoCloseable {
    @Override
    void close();
  }

  static void noticeRetry(Request request, String reason, Duration wait, int next, int allowed) {
    java.util.function.Consumer<String> notice = RETRY_NOTICES.get();
    if (notice != null) {
      notice.accept(request.method() + " " + request.url().host() + request.url().encodedPath() + ": " + reason
          + "; again in " + seconds(wait) + ", attempt " + next + " of " + allowed);
    }
  }

  /** {@code 0.4s}, {@code 12s}: a wait as people read it. */
  public static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms < 10_000 ? String.format(Locale.ROOT, "%.1fs", ms / 1000.0) : (ms + 500) / 1000 + "s";
  }

  public static OkHttpClient client(String version, Policy policy) {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(64);
    dispatcher.setMaxRequestsPerHost(16);
    return new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(16, 1, TimeUnit.MINUTES))
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(policy.readTimeout())
        .writeTimeout(policy.readTimeout())
        .callTimeout(Duration.ofMinutes(10))
        // OkHttp would otherwise silently send a POST or PUT again when the connection drops
        // after the registry took it: a second write of the same version (seen as a second
        // OCI manifest PUT, a 422 from a tap). Reads are retried by Retry below; writes only by
        // the apply stage, after reading the registry again.
        .retryOnConnectionFailure(false)
        .addInterceptor(new Bounds.Answer(policy.readTimeout()))
        .addInterceptor(new UserAgent("fanout/" + version + " (+https://github.com/fanout-dev/fanout)"))
        .addInterceptor(new Retry(policy))
        .addInterceptor(new Pacing(policy.minIntervalByHost()))
        .addNetworkInterceptor(new CredentialGuard())
        .addNetworkInterceptor(new Bounds.Wire())
        .build();
  }

  /**
   * The shared client, sending credentials only to these origins ({@code https://host:port}):
   * a provider's own endpoints and the origins it trusts. A credential header on a request to
   * any other origin (a tarball on a mirror, a link in a registry's answer) is removed. Shares
   * the shared client's connections and threads.
   */
  public static OkHttpClient restrictedTo(OkHttpClient shared, java.util.Set<String> origins) {
    return shared.newBuilder().addNetworkInterceptor(new OriginGuard(java.util.Set.copyOf(origins))).build();
  }

  /** {@code scheme://host:port} of a URL, with the scheme's default port made explicit; null when not a URL. */
  public static String origin(String url) {
    HttpUrl u = HttpUrl.parse(url);
    return u == null ? null : u.scheme() + "://" + u.host() + ":" + u.port();
  }

  /**
   * Marks a request to an origin the provider's own registry named for its credential, such as
   * the token service in a registry's authentication challenge (as Docker's client trusts it).
   */
  public static Request.Builder vouched(Request.Builder request) {
    return request.tag(Vouched.class, Vouched.YES);
  }

  private enum Vouched { YES }

  private record OriginGuard(java.util.Set<String> origins) implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      HttpUrl url = request.url();
      if (origins.contains(url.scheme() + "://" + url.host() + ":" + url.port()) || request.tag(Vouched.class) != null) {
        return chain.proceed(request);
      }
      Request.Builder out = request.newBuilder();
      CREDENTIAL_HEADERS.forEach(out::removeHeader);
      return chain.proceed(out.build());
    }
  }

  private record UserAgent(String value) implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
      Request r = chain.request();
      Request.Builder b = r.newBuilder();
      if (r.header("User-Agent") == null) {
        b.header("User-Agent", value);
      }
      if (r.tag(HttpUrl.class) == null) {
        // Redirect hops keep this tag; the credential guard compares every hop's host with it.
        b.tag(HttpUrl.class, r.url());
      }
      return chain.proceed(b.build());
    }
  }

  /** Retries idempotent requests; see the class comment for what counts as transient. */
  static final class Retry implements Interceptor {
    private final Policy policy;
    /** The run's rate-limit deadline: a wait that would end later is not waited. */
    private final long deadlineNanos;

    Retry(Policy policy) {
      this.policy = policy;
      this.deadlineNanos = System.nanoTime() + policy.rateLimitWait().toNanos();
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      boolean idempotent = request.method().equals("GET") || request.method().equals("HEAD");
      // A 429 means the registry turned the request away unprocessed, so even a write may be
      // sent again, after the Retry-After it asked for. Any other failure of a write is left to
      // apply, which reads the registry before trying again.
      int attempts = policy.maxAttempts();
      for (int attempt = 1; ; attempt++) {
        Response response;
        try {
          response = chain.proceed(request);
        } catch (IOException e) {
          if (!idempotent || attempt >= attempts || chain.call().isCanceled()) {
            throw e;
          }
          Duration wait = backoff(attempt, null);
          noticeRetry(request, e instanceof java.net.SocketTimeoutException ? "no answer in time" : String.valueOf(
              e.getMessage()), wait, attempt + 1, attempts);
          sleep(wait);
          continue;
        }
        // A registry that rate limits says when to come back, so waiting is never wasted: a rate
        // limit gets three times the attempts, each after the wait it asks for, within the run's
        // deadline. It turned the request away unprocessed, so a write may be sent again too.
        boolean limited = rateLimited(response);
        int allowed = limited ? attempts * 3 : attempts;
        if (attempt >= allowed || !limited && (!idempotent || !transientStatus(response))) {
          return response;
        }
        Duration wait = backoff(attempt, response);
        if (limited) {
          if (System.nanoTime() + wait.toNanos() > deadlineNanos) {
            // Past the run's deadline: the caller reports the answer, with the time to wait.
            return response;
          }
          response.close();
          noticeRetry(request, "HTTP " + response.code() + ", rate limited", wait, attempt + 1, allowed);
          sleep(wait);
          continue;
        }
        response.close();
        if (wait.compareTo(policy.maxBackoff()) > 0) {
          // The registry asks for a longer pause than a run should sit through: give the
          // answer back so the caller reports it (with the time to wait) instead of hanging.
          return chain.proceed(request);
        }
        noticeRetry(request, "HTTP " + response.code(), wait, attempt + 1, allowed);
        sleep(wait);
      }
    }

    /**
     * A 429, or GitHub's 403 that is a rate limit and not a refusal: the primary limit
     * ({@code x-ratelimit-remaining: 0}) or a secondary one ({@code Retry-After}, or the
     * message "You have exceeded a secondary rate limit").
     */
    static boolean rateLimited(Response r) {
      if (r.code() == 429) {
        return true;
      }
      if (r.code() != 403) {
        return false;
      }
      if (r.header("Retry-After") != null || "0".equals(r.header("x-ratelimit-remaining"))) {
        return true;
      }
      try {
        return r.peekBody(4096).string().toLowerCase(Locale.ROOT).contains("rate limit");
      } catch (IOException unreadable) {
        return false;
      }
    }

    static boolean transientStatus(Response r) {
      int code = r.code();
      if (code == 429 || code >= 500 && code != 501) {
        return true;
      }
      // GitHub's primary rate limit answers 403 with no requests left.
      return code == 403 && "0".equals(r.header("x-ratelimit-remaining"));
    }

    Duration backoff(int attempt, Response response) {
      if (response != null) {
        Duration asked = retryAfter(response);
        if (asked != null) {
          return asked;
        }
        if (response.code() == 403 && rateLimited(response)) {
          return SECONDARY_LIMIT_PAUSE;
        }
      }
      long base = 200L << Math.min(attempt - 1, 8);
      long jitter = ThreadLocalRandom.current().nextLong(base / 2 + 1);
      return Duration.ofMillis(Math.min(base + jitter, policy.maxBackoff().toMillis()));
    }

    static Duration retryAfter(Response response) {
      String after = response.header("Retry-After");
      if (after != null) {
        try {
          return Duration.ofSeconds(Long.parseLong(after.trim()));
        } catch (NumberFormatException notSeconds) {
          try {
            ZonedDateTime when = ZonedDateTime.parse(after.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
            return Duration.ofMillis(Math.max(0, when.toInstant().toEpochMilli() - System.currentTimeMillis()));
          } catch (RuntimeException unreadable) {
            return null;
          }
        }
      }
      String remaining = response.header("x-ratelimit-remaining");
      String reset = response.header("x-ratelimit-reset");
      if ("0".equals(remaining) && reset != null) {
        try {
          long ms = Long.parseLong(reset.trim()) * 1000 - System.currentTimeMillis();
          return Duration.ofMillis(Math.max(0, ms));
        } catch (NumberFormatException e) {
          return null;
        }
      }
      return null;
    }

    private static void sleep(Duration d) throws IOException {
      try {
        Thread.sleep(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting to retry");
      }
    }
  }

  /** Keeps at least the configured interval between requests to one host. */
  static final class Pacing implements Interceptor {
    private final Map<String, Duration> minInterval;
    private final Map<String, Long> nextSlot = new ConcurrentHashMap<>();

    Pacing(Map<String, Duration> minInterval) {
      this.minInterval = minInterval;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      String host = chain.request().url().host();
      Duration interval = minInterval.get(host);
      if (interval != null && !interval.isZero()) {
        long now = System.nanoTime();
        long slot = nextSlot.merge(host, now + interval.toNanos(),
            (previous, ignored) -> Math.max(previous, now) + interval.toNanos()) - interval.toNanos();
        long waitNanos = slot - now;
        if (waitNanos > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(waitNanos);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while pacing requests to " + host);
          }
        }
      }
      return chain.proceed(chain.request());
    }
  }

  /** Strips credentials on a cross-origin hop and refuses them over plain HTTP off loopback. */
  static final class CredentialGuard implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      boolean carries = request.headers().names().stream()
          .anyMatch(n -> CREDENTIAL_HEADERS.contains(n.toLowerCase(Locale.ROOT)));
      if (!carries) {
        return chain.proceed(request);
      }
      Request.Builder out = request.newBuilder();
      HttpUrl origin = request.tag(HttpUrl.class);
      // Another origin, not only another host: every sandbox registry shares 127.0.0.1 on its
      // own port, and a redirect to another port (or from https to http) must not carry the
      // token either (found by the credential guard drill).
      if (origin != null && (!origin.host().equals(request.url().host()) || origin.port() != request.url().port()
          || !origin.scheme().equals(request.url().scheme()))) {
        CREDENTIAL_HEADERS.forEach(out::removeHeader);
        return chain.proceed(out.build());
      }
      if (!request.isHttps() && !isLoopback(request.url().host())) {
        throw new IOException("refusing to send credentials over plain HTTP to " + request.url().host()
            + "; use https");
      }
      return chain.proceed(request);
    }

    static boolean isLoopback(String host) {
      if (host.equals("localhost")) {
        return true;
      }
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
  }
}
