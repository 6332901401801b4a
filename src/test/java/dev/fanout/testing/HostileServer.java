package dev.fanout.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A registry that misbehaves on purpose, on loopback: it answers every request with what its
 * handler says, byte for byte (an endless body, a trickle, a bomb, an echo of the request's
 * credentials), and logs each request's method, path and headers. Every loop it runs is
 * bounded in bytes and time and stops when the client hangs up.
 */
public final class HostileServer implements AutoCloseable {

  /** A request as the server read it: method, path, headers by lower-case name, body. */
  public record Seen(String method, String path, Map<String, String> headers, byte[] body) { }

  /** What to send: a head (status line and headers, without the blank line) and a body writer. */
  public record Answer(String head, Body body) {
    public static Answer of(int status, String contentType, String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      return new Answer("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: " + bytes.length,
          out -> out.write(bytes));
    }
  }

  /** Writes a body; may block, may throw when the client hangs up. */
  public interface Body {
    void write(OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "hostile-server");
    t.setDaemon(true);
    return t;
  });
  private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

  public HostileServer(Function<Seen, Answer> handler) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pool.submit(() -> {
      while (!server.isClosed()) {
        Socket s;
        try {
          s = server.accept();
        } catch (IOException closed) {
          return;
        }
        pool.submit(() -> serve(s, handler));
      }
    });
  }

  public String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  public List<Seen> seen() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  private void serve(Socket socket, Function<Seen, Answer> handler) {
    try (socket) {
      socket.setSoTimeout(30_000);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (true) {
        Seen request = read(in);
        if (request == null) {
          return;
        }
        seen.add(request);
        Answer a = handler.apply(request);
        out.write((a.head() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        a.body().write(out);
        out.flush();
        if (a.head().toLowerCase(Locale.ROOT).contains("connection: close")) {
          return;
        }
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // The client hung up or gave up: what a hostile answer is for.
    }
  }

  private static Seen read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      head.write(c);
      if (head.size() > 1 << 16) {
        throw new IOException("request head too large");
      }
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] first = lines[0].split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    byte[] body = new byte[0];
    String length = headers.get("content-length");
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      while (true) {
        StringBuilder size = new StringBuilder();
        for (int c = in.read(); c != '\n' && c >= 0; c = in.read()) {
          if (c != '\r') {
            size.append((char) c);
          }
        }
        int n = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
        if (n == 0) {
          in.readNBytes(2);
          break;
        }
        all.write(in.readNBytes(n));
        in.readNBytes(2);
      }
      body = all.toByteArray();
    }
    return new Seen(first[0], first.length > 1 ? first[1] : "/", headers, body);
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}
