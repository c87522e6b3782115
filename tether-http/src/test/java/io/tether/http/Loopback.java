package io.tether.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's HTTP server and client over 127.0.0.1, owned by the test: {@link #close()} stops both
 * and waits for their threads.
 *
 * <p>The server's handlers run on platform threads on purpose: blocking socket I/O on a virtual
 * thread starts the JDK's virtual-thread I/O pollers ({@code MasterPoller}, {@code SubPoller-N} on
 * JDK 25), which live for the rest of the JVM and which the leak check does not yet know as benign.
 */
final class Loopback implements AutoCloseable {
  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService handlers =
      Executors.newCachedThreadPool(
          r -> new Thread(r, "http-handler-" + threads.incrementAndGet()));
  final HttpServer server;
  final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  Loopback() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(handlers);
    server.start();
  }

  /** Serves {@code handler} at {@code path}, behind a {@link ContextFilter} with {@code budget}. */
  void serve(String path, RequestBudget budget, HttpHandler handler) {
    server.createContext(path, handler).getFilters().add(new ContextFilter(budget));
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Override
  public void close() throws InterruptedException {
    client.shutdownNow();
    if (!client.awaitTermination(java.time.Duration.ofSeconds(20))) {
      throw new AssertionError("HttpClient did not terminate: " + client);
    }
    server.stop(0);
    handlers.shutdownNow();
    if (!handlers.awaitTermination(20, TimeUnit.SECONDS)) {
      throw new AssertionError("handler threads did not end: " + handlers);
    }
  }
}
