package dev.fanout.http;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import okio.Source;

/**
 * Bounds on what a registry may send back, so that one bad registry fails its own target
 * instead of the run: a size cap on every answer (metadata, or artifact downloads, which
 * are streamed to disk and get a larger one), a cap on how far a compressed answer may
 * expand, and, for reads, a deadline on the whole answer rather than on each read (a body
 * that trickles a byte every few seconds never trips a read timeout).
 *
 * <p>An answer that breaks a bound fails with an {@link IOException} that names the bound.
 */
public final class Bounds {

  /** What kind of answer a request expects; tag a request with it to raise the caps. */
  public enum Kind {
    /** JSON, XML, an index page: capped at {@link #METADATA_BYTES}. */
    METADATA,
    /** An artifact or a blob, streamed: capped at {@link #DOWNLOAD_BYTES}, with a longer deadline. */
    DOWNLOAD
  }

  static final long METADATA_BYTES = 64L << 20;
  static final long DOWNLOAD_BYTES = 4L << 30;
  /** Text compresses about ten times; a hundred times is a bomb, not an index. */
  static final long EXPANSION = 100;
  /** Below this, expansion is not judged: small answers compress oddly. */
  static final long EXPANSION_FLOOR = 1L << 20;

  private Bounds() {
  }

  /**
   * An answer broke a bound. Not transient: the same registry would break it again, so the
   * target fails at once instead of being retried.
   */
  public static final class Exceeded extends IOException {
    Exceeded(String message) {
      super(message);
    }
  }

  /** Whether a failure, or one of its causes, is an answer that broke a bound. */
  public static boolean exceeded(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof Exceeded) {
        return true;
      }
    }
    return false;
  }

  /** Marks a request as an artifact or blob download. */
  public static Request.Builder download(Request.Builder request) {
    return request.tag(Kind.class, Kind.DOWNLOAD);
  }

  /** Counts the bytes of an answer as they come off the wire, before decompression. */
  static final class WireBytes {
    final AtomicLong count = new AtomicLong();
  }

  /** The application-level bound: caps, expansion and the whole-answer deadline. */
  static final class Answer implements Interceptor {
    private final Duration readTimeout;

    Answer(Duration readTimeout) {
      this.readTimeout = readTimeout;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      long started = System.nanoTime();
      WireBytes wire = new WireBytes();
      Request request = chain.request().newBuilder().tag(WireBytes.class, wire).build();
      Kind kind = request.tag(Kind.class) == null ? Kind.METADATA : request.tag(Kind.class);
      Response response = chain.proceed(request);
      ResponseBody body = response.body();
      if (body == null) {
        return response;
      }
      boolean read = request.method().equals("GET") || request.method().equals("HEAD");
      // A read may take twice --http-timeout in all; a download is given twenty times that.
      long deadline = !read ? Long.MAX_VALUE
          : started + readTimeout.toNanos() * (kind == Kind.DOWNLOAD ? 20 : 2);
      long cap = kind == Kind.DOWNLOAD ? DOWNLOAD_BYTES : METADATA_BYTES;
      String what = request.method() + " " + request.url().host() + request.url().encodedPath();
      return response.newBuilder().body(new Bounded(body, cap, deadline, wire, what, readTimeout)).build();
    }
  }

  /** The network-level counter: sees the answer as sent, before OkHttp decompresses it. */
  static final class Wire implements Interceptor {
    @Override
    public Response intercept(Chain chain) throws IOException {
      Response response = chain.proceed(chain.request());
      WireBytes wire = chain.request().tag(WireBytes.class);
      ResponseBody body = response.body();
      if (wire == null || body == null) {
        return response;
      }
      Source counted = new ForwardingSource(body.source()) {
        @Override
        public long read(Buffer sink, long byteCount) throws IOException {
          long n = super.read(sink, byteCount);
          if (n > 0) {
            wire.count.addAndGet(n);
          }
          return n;
        }
      };
      BufferedSource source = Okio.buffer(counted);
      return response.newBuilder().body(ResponseBody.create(source, body.contentType(), body.contentLength())).build();
    }
  }

  private static final class Bounded extends ResponseBody {
    private final ResponseBody body;
    private final BufferedSource source;

    Bounded(ResponseBody body, long cap, long deadline, WireBytes wire, String what, Duration readTimeout) {
      this.body = body;
      this.source = Okio.buffer(new ForwardingSource(body.source()) {
        private long total;

        @Override
        public long read(Buffer sink, long byteCount) throws IOException {
          if (System.nanoTime() > deadline) {
            throw new Exceeded("the answer to " + what + " took longer than twice --http-timeout ("
                + 2 * readTimeout.toMillis() / 1000.0 + " s) to arrive; the registry is sending too slowly");
          }
          long n = super.read(sink, byteCount);
          if (n > 0) {
            total += n;
            if (total > cap) {
              throw new Exceeded("the answer to " + what + " is larger than " + (cap >> 20)
                  + " MiB; a registry never needs to send that much here");
            }
            long sent = wire.count.get();
            if (total > EXPANSION_FLOOR && sent > 0 && total / sent > EXPANSION) {
              throw new Exceeded("the answer to " + what + " expands more than " + EXPANSION
                  + " times when decompressed (" + sent + " bytes sent, " + total + " so far): refused as a"
                  + " decompression bomb");
            }
          }
          return n;
        }
      });
    }

    @Override
    public MediaType contentType() {
      return body.contentType();
    }

    @Override
    public long contentLength() {
      return body.contentLength();
    }

    @Override
    public BufferedSource source() {
      return source;
    }

    @Override
    public void close() {
      body.close();
    }
  }
}
