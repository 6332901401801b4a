package dev.fanout.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * A registry that sends without end, trickles, or sends a decompression bomb fails that one
 * request with the bound named, in bounded time and memory; and a credential never goes to
 * an origin its provider did not name.
 */
class BoundsTest {

  private final OkHttpClient http = Http.client("test", Http.Policy.standard().withReadTimeout(Duration.ofSeconds(1)));

  /** A loopback server that answers every connection with the given head and then calls {@code body}. */
  private interface Body {
    void write(OutputStream out) throws IOException, InterruptedException;
  }

  private static ServerSocket serve(String head, Body body) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          ByteArrayOutputStream request = new ByteArrayOutputStream();
          while (!request.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
              break;
            }
            request.write(c);
          }
          OutputStream out = s.getOutputStream();
          out.write(head.getBytes(StandardCharsets.ISO_8859_1));
          body.write(out);
        } catch (IOException | InterruptedException e) {
          // The client gave up: that is what the test wants.
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return server;
  }

  private static String url(ServerSocket s) {
    return "http://127.0.0.1:" + s.getLocalPort() + "/pkg";
  }

  private String read(String url) throws IOException {
    try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return r.body().string();
    }
  }

  @Test
  void anEndlessAnswerIsCutAtTheMetadataCap() throws Exception {
    byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    try (ServerSocket server = serve("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        out -> {
          for (long sent = 0; sent < 8L << 30; sent += chunk.length) {
            out.write(chunk);
          }
        })) {
      long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
      IOException e = assertThrows(IOException.class, () -> read(url(server)));
      assertTrue(e.getMessage().contains("larger than 64 MiB"), e.getMessage());
      long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
      assertTrue(after - before < 512L << 20, "heap grew by " + ((after - before) >> 20) + " MiB");
    }
  }

  @Test
  void aTricklingAnswerFailsAfterTwiceTheTimeout() throws Exception {
    try (ServerSocket server = serve("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
        out -> {
          for (int i = 0; i < 100; i++) {
            out.write('x');
            out.flush();
            Thread.sleep(300);
          }
        })) {
      long t0 = System.nanoTime();
      IOException e = assertThrows(IOException.class, () -> read(url(server)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(e.getMessage().contains("took longer than twice --http-timeout"), e.getMessage());
      assertTrue(ms < 4000, "gave up after " + ms + " ms");
    }
  }

  @Test
  void aDecompressionBombIsRefused() throws Exception {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        gz.write(zeros);
      }
    }
    byte[] bomb = zipped.toByteArray();
    try (ServerSocket server = serve("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        + "Content-Length: " + bomb.length + "\r\n\r\n", out -> out.write(bomb))) {
      IOException e = assertThrows(IOException.class, () -> read(url(server)));
      assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
    }
  }

  @Test
  void aCredentialGoesOnlyToTheOriginsOfItsProvider() throws Exception {
    try (MockWebServer registry = new MockWebServer(); MockWebServer mirror = new MockWebServer()) {
      registry.enqueue(new MockResponse.Builder().body("{}").build());
      mirror.enqueue(new MockResponse.Builder().body("tarball").build());
      registry.start();
      mirror.start();
      OkHttpClient guarded = Http.restrictedTo(http, Set.of(Http.origin(registry.url("/").toString())));
      for (MockWebServer s : new MockWebServer[] {registry, mirror}) {
        try (Response r = guarded.newCall(new Request.Builder().url(s.url("/pkg"))
            .header("Authorization", "Bearer canary-token").build()).execute()) {
          r.body().string();
        }
      }
      RecordedRequest toRegistry = registry.takeRequest();
      RecordedRequest toMirror = mirror.takeRequest();
      assertEquals("Bearer canary-token", toRegistry.getHeaders().get("Authorization"));
      assertNull(toMirror.getHeaders().get("Authorization"));
    }
  }
}
