package io.tether.observe;

import com.sun.net.httpserver.HttpServer;
import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.Scope;
import io.tether.Service;
import io.tether.StopReport;
import io.tether.TaskFailedException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * A live view of the task registry over HTTP: Go's {@code net/http/pprof} on {@code
 * localhost:6060}, with owners. An owned component: a {@link Service} named {@code debug-server} in
 * the registry, stopped by {@link #close()} or with the context it was started on.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (DebugServer debug = DebugServer.start(ctx, DebugOptions.defaults())) {
 *   System.out.println("debug page: " + debug.url());   // http://127.0.0.1:6060/debug/tether/
 *   serve(ctx);
 * }
 * }</pre>
 *
 * <h2>What it serves</h2>
 *
 * <ul>
 *   <li>{@code /debug/tether/} the page: groups first (count, state, wait reason and how long,
 *       spawn site, owner), the owner tree with alike siblings folded and supervisors' restarts,
 *       filters, one task's stack; refreshes itself. From the jar, no external assets.
 *   <li>{@code /debug/tether/tasks?format=grouped|full|tree|json} the dumps of {@link
 *       io.tether.Tasks#dump}, filtered by {@code owner=} (path prefix), {@code state=}, {@code
 *       min_wait=} ({@code 2s}, {@code 5m}) and {@code limit=}.
 *   <li>{@code /debug/tether/tasks/{id}} one entry with its live stack ({@code ?format=json} too).
 *   <li>{@code /debug/tether/view} the page's data, JSON; {@code /debug/tether/threads} the JVM's
 *       own thread dump, JSON, raw virtual threads included.
 *   <li>{@code /debug/tether/leaks} what the running {@link LeakWatchdog}s reported, JSON; the page
 *       shows it in a section of its own while a watchdog runs.
 * </ul>
 *
 * Only GET and HEAD (else 405); an unknown format gets 400 listing the formats, an unknown id 404,
 * a request target over 2048 characters 414. Nothing a client sends throws inside the application.
 *
 * <h2>Security</h2>
 *
 * Loopback only by default, and then only requests addressed to a loopback host name (a guard
 * against DNS rebinding). Another address must be asked for with {@link
 * DebugOptions#exposedOn(java.net.InetSocketAddress, String)}, and then every request for data
 * needs its bearer token. Responses, request time and requests served at once are bounded ({@link
 * DebugOptions}).
 *
 * <h2>Threads, cancellation and exit</h2>
 *
 * {@link #start} binds and starts listening before it returns. The JDK's HTTP server runs one
 * platform thread of its own (its dispatcher, which only accepts and hands off) and its timers;
 * each request is served on a virtual thread, a Tether task owned by the server's scope ({@code
 * debug-server/run/requests}), bounded in time by a deadline. {@link #close()} (or cancelling the
 * context it was started on) stops listening, closes every connection, cancels the requests still
 * being served and waits for them and for the dispatcher: when it returns, nothing of the server
 * runs. Not closing it keeps the port and those threads until its context is cancelled.
 *
 * <h2>What it costs the application</h2>
 *
 * Nothing while nobody looks: the server reads the registry only while it answers a request ({@code
 * DebugServerIdleCostBench} in {@code tether-bench} measures spawn+join with and without it).
 */
public final class DebugServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Service service;
  private final InetSocketAddress address;
  private final DebugOptions options;

  private DebugServer(Service service, InetSocketAddress address, DebugOptions options) {
    this.service = service;
    this.address = address;
    this.options = options;
  }

  /** {@link #start(Context, DebugOptions)} with {@link DebugOptions#defaults()}. */
  public static DebugServer start(Context ctx) throws IOException, InterruptedException {
    return start(ctx, DebugOptions.defaults());
  }

  /**
   * Binds {@code options.address()}, starts serving, and returns once it listens. The caller owns
   * the server: close it (try-with-resources), or cancel {@code ctx}.
   *
   * @throws java.net.BindException (an {@link IOException}) if the address cannot be bound (in use:
   *     pick another port, or port 0 for a free one)
   * @throws InterruptedException if interrupted while waiting for it to listen (it is stopped)
   * @throws NullPointerException if an argument is null
   */
  public static DebugServer start(Context ctx, DebugOptions options)
      throws IOException, InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(options, "options");
    Routes routes = new Routes(options);
    InetSocketAddress[] bound = new InetSocketAddress[1];
    Service service;
    try {
      service =
          Service.startAndAwaitReady(
              ctx, "debug-server", START_TIMEOUT, c -> serve(c, options, routes, bound));
    } catch (TaskFailedException e) {
      if (e.getCause() instanceof IOException io) {
        java.net.BindException be =
            new java.net.BindException(
                "DebugServer cannot listen on "
                    + options.address()
                    + ": "
                    + io.getMessage()
                    + "; choose another port (DebugOptions.port), or 0 for a free one");
        be.initCause(io);
        throw be;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new IOException(
          "DebugServer on " + options.address() + " did not start listening in " + START_TIMEOUT,
          e);
    }
    return new DebugServer(service, bound[0], options);
  }

  /** The service body: listen, serve until cancelled, then stop everything it started. */
  private static void serve(
      Context c, DebugOptions options, Routes routes, InetSocketAddress[] bound)
      throws IOException, InterruptedException {
    HttpServer http = HttpServer.create(options.address(), 0);
    try (Scope requests = Scope.supervised(c, "requests")) {
      requests.limit(options.maxConcurrentRequests());
      try {
        http.createContext("/", routes);
        http.setExecutor(exchange -> {
          if (requests
              .trySpawn("request", rc -> serveOne(rc, options.requestTimeout(), exchange))
              .isEmpty()) {
            // The JDK's dispatcher closes the connection: a flood costs no more threads.
            throw new RejectedExecutionException(
                "debug server busy: "
                    + options.maxConcurrentRequests()
                    + " requests are being served");
          }
        });
        http.start();
        bound[0] = http.getAddress();
        Service.ready(c);
        c.await();
      } finally {
        // Stop listening, close every connection and join the JDK's dispatcher thread; then the
        // scope's close cancels what is still being served and waits for it.
        http.stop(0);
      }
    }
  }

  /**
   * One exchange on its own task, under a deadline: a slow or stuck client is cut off (its thread
   * interrupted, which closes the connection) when the deadline passes.
   */
  private static Void serveOne(Context rc, Duration timeout, Runnable exchange)
      throws InterruptedException {
    try (CancellableContext deadline = rc.withTimeout(timeout);
        Scope one = Scope.open(deadline, "exchange")) {
      one.go(
          "exchange",
          x -> {
            exchange.run(); // the JDK's: parses, calls Routes, answers; catches its own errors
          });
      one.join();
    } catch (CancellationException e) {
      if (rc.isDone()) {
        throw e; // the server is stopping: this request ends as cancelled
      }
      // Past its deadline: the client was cut off (the connection is closed), which is the
      // answer a too-slow request gets. The application is not concerned.
    }
    return null;
  }

  /** Where it listens (with the port chosen, if 0 was asked for). */
  public InetSocketAddress address() {
    return address;
  }

  /** The page: {@code http://127.0.0.1:6060/debug/tether/}. */
  public URI url() {
    String host = address.getAddress().getHostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + Routes.BASE);
  }

  /** The server's service state: RUNNING while it serves. */
  public Service.State state() {
    return service.state();
  }

  /**
   * Stops serving within {@code timeout}: the same as {@link #close()}, bounded; the report names
   * any request task that did not end in time.
   */
  public StopReport stop(Duration timeout) {
    return service.stop(timeout);
  }

  /**
   * Stops listening, closes the connections, cancels the requests being served and waits for them
   * (bounded by {@link Service#DEFAULT_STOP_TIMEOUT}). Idempotent.
   */
  @Override
  public void close() {
    service.close();
  }

  /** {@code DebugServer[http://127.0.0.1:6060/debug/tether/, RUNNING, loopback]}. */
  @Override
  public String toString() {
    return "DebugServer["
        + url()
        + ", "
        + service.state()
        + (options.requiresToken() ? ", exposed, token required" : ", loopback")
        + "]";
  }
}
