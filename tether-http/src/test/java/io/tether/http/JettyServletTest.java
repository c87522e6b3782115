package io.tether.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.Scope;
import io.tether.TaskInfo;
import io.tether.Tasks;
import io.tether.testing.Bounded;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ContextServletFilter on Jetty 12 (ee10) over loopback, with the JDK client. */
class JettyServletTest {
  private final AtomicReference<Context> seen = new AtomicReference<>();
  private final CountDownLatch holding = new CountDownLatch(1);
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ContextHttpClient http = ContextHttpClient.of(client);
  private Server server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("jetty");
    server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addFilter(
        new FilterHolder(
            new ContextServletFilter(
                RequestBudget.defaults()
                    .maximum(Duration.ofSeconds(2))
                    .floor(Duration.ofMillis(50)))),
        "/budget",
        EnumSet.of(DispatcherType.REQUEST));
    // No maximum here: only the client's cancel may end the stream.
    context.addFilter(
        new FilterHolder(new ContextServletFilter()),
        "/stream",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Budget()), "/budget");
    context.addServlet(new ServletHolder(new Stream()), "/stream");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    client.shutdownNow();
    assertThat(client.awaitTermination(Bounded.HANG)).isTrue();
    server.stop();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Answers with the remaining time of its context, in ms. */
  private final class Budget extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      Context ctx = ContextServletFilter.context(req);
      seen.set(ctx);
      resp.setContentType("text/plain");
      resp.getWriter()
          .print(Duration.between(Instant.now(), ctx.deadline().orElseThrow()).toMillis());
    }
  }

  /** Streams until a write fails, with a task waiting for the request's context meanwhile. */
  private final class Stream extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      Context ctx = ContextServletFilter.context(req);
      seen.set(ctx);
      OutputStream out = resp.getOutputStream();
      try (Scope scope = Scope.open(ctx, "stream")) {
        scope.go(
            "hold",
            c -> {
              holding.countDown();
              c.await();
            });
        byte[] chunk = new byte[4096];
        try {
          while (!ctx.isDone()) {
            out.write(chunk);
            out.flush();
          }
        } catch (IOException gone) {
          // the client went away; the filter has cancelled ctx
        }
        try {
          scope.join();
        } catch (InterruptedException | CancellationException e) {
          // ends with the context either way
        }
      }
    }
  }

  @Test
  void theClientsDeadlineReachesTheServlet() throws Exception {
    HttpResponse<String> r;
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(1000))) {
      r = http.send(ctx, HttpRequest.newBuilder(uri("/budget")).build(), BodyHandlers.ofString());
    }
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Long.parseLong(r.body())).isBetween(0L, 1000L);
    Bounded.until("the request's context to end", () -> seen.get().isDone());
    assertThat(seen.get().cause())
        .isInstanceOfSatisfying(
            RequestEndedException.class,
            e -> assertThat(e.reason()).isEqualTo(RequestEndedException.Reason.COMPLETED));
  }

  @Test
  void aHostileHeaderIsCappedByTheMaximum() throws Exception {
    for (String value : new String[] {"-1", "abc", "99999999999999999999", "1.5"}) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(uri("/budget"))
                  .header(RequestBudget.DEFAULT_HEADER, value)
                  .build(),
              BodyHandlers.ofString());
      assertThat(r.statusCode()).as(value).isEqualTo(200);
      assertThat(Long.parseLong(r.body())).as(value).isBetween(0L, 2000L);
    }
  }

  @Test
  void aBudgetBelowTheFloorIsRefusedWith504() throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(uri("/budget"))
                .header(RequestBudget.DEFAULT_HEADER, "10")
                .build(),
            BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).contains("below this server's floor of 50 ms");
    assertThat(seen.get()).isNull();
  }

  @Test
  void aClientCancelStopsTheServletsScope() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    HttpResponse<InputStream> r =
        http.sendAsync(
                ctx, HttpRequest.newBuilder(uri("/stream")).build(), BodyHandlers.ofInputStream())
            .get(Bounded.HANG.toMillis(), TimeUnit.MILLISECONDS);
    InputStream body = r.body();
    assertThat(body.readNBytes(4096)).hasSize(4096);
    Bounded.await(holding);
    assertThat(Tasks.snapshot())
        .extracting(TaskInfo::path)
        .contains("\"http/GET /stream\"/stream/hold");

    ctx.cancel(new IllegalStateException("user left"));
    assertThat(catchThrowable(body::readAllBytes)).isInstanceOf(IOException.class);
    body.close();
    long start = System.nanoTime();
    Bounded.until(
        "the servlet's task tree to be gone",
        () -> Tasks.snapshot().stream().noneMatch(t -> t.path().startsWith("\"http/")));
    System.out.printf(
        "jetty cancel: servlet's tree gone %.1f ms after the client's cancel; cause: %s%n",
        (System.nanoTime() - start) / 1e6, seen.get().cause());
    assertThat(seen.get().cause())
        .isInstanceOfSatisfying(
            RequestEndedException.class,
            e -> assertThat(e.reason()).isEqualTo(RequestEndedException.Reason.CLIENT_GONE));
  }
}
