package io.tether.grpc;

import io.tether.testing.Bounded;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 between a client and a server, whose {@link #cut()} drops every
 * connection at once (a reset, no goodbye): the server sees its client vanish, as when a client
 * process dies or a network path breaks. Its threads end in {@link #close()}.
 *
 * <p>Platform threads on purpose: blocking socket I/O on a virtual thread starts the JDK's
 * virtual-thread I/O pollers ({@code MasterPoller}, {@code SubPoller-N} on JDK 25), which live for
 * the rest of the JVM and which the leak check does not yet know as benign.
 */
final class TcpRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  TcpRelay(int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.add(Thread.ofPlatform().daemon().name("relay-accept").start(this::accept));
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    try {
      while (true) {
        Socket in = listener.accept();
        Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(in);
        sockets.add(out);
        threads.add(Thread.ofPlatform().daemon().name("relay-up").start(() -> pump(in, out)));
        threads.add(Thread.ofPlatform().daemon().name("relay-down").start(() -> pump(out, in)));
      }
    } catch (IOException closed) {
      // the listener was closed: done
    }
  }

  private static void pump(Socket from, Socket to) {
    byte[] buf = new byte[8192];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException cut) {
      // a socket was closed: done
    }
  }

  /** Resets every relayed connection (SO_LINGER 0: an RST, not a FIN). */
  void cut() throws IOException {
    for (Socket s : sockets) {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0);
        s.close();
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    cut();
    for (Thread t : threads) {
      Bounded.join(t);
    }
  }
}
