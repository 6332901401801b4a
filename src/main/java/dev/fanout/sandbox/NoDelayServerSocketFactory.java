package dev.fanout.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ServerSocketFactory;

/**
 * Server sockets whose accepted connections have TCP_NODELAY set. MockWebServer writes a
 * response's head and body separately; with Nagle's algorithm on, the body waits for the
 * client to acknowledge the head, and the client delays that acknowledgement by 40 ms, so
 * every request on a kept-alive connection took about 40 ms on loopback (the scale benchmark:
 * 1,000 publications planned in 14 s, see docs/performance.md). Real registries do not
 * behave like this; only the sandbox did.
 */
final class NoDelayServerSocketFactory extends ServerSocketFactory {

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new NoDelayServerSocket();
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    ServerSocket s = new NoDelayServerSocket();
    s.bind(new java.net.InetSocketAddress(port));
    return s;
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    ServerSocket s = new NoDelayServerSocket();
    s.bind(new java.net.InetSocketAddress(port), backlog);
    return s;
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
    ServerSocket s = new NoDelayServerSocket();
    s.bind(new java.net.InetSocketAddress(address, port), backlog);
    return s;
  }

  private static final class NoDelayServerSocket extends ServerSocket {
    NoDelayServerSocket() throws IOException {
      super();
    }

    /**
     * Always on. MockWebServer turns it off for a first start on port 0; the connections that
     * server accepts then keep that setting, and when the server closes one first (JGit's
     * git-over-HTTP leaves its connections for the server to close) its side waits in
     * TIME_WAIT on the server's port. The next run's sandbox could not take the port back,
     * and every URL a registry had stored (a formula's download URLs) pointed at a moved host.
     */
    @Override
    public void setReuseAddress(boolean on) throws java.net.SocketException {
      super.setReuseAddress(true);
    }

    @Override
    public Socket accept() throws IOException {
      Socket s = new Socket();
      implAccept(s);
      s.setTcpNoDelay(true);
      return s;
    }
  }
}
