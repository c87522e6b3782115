package io.tether.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.DeadlineExceededException;
import io.tether.Scope;
import io.tether.TaskInfo;
import io.tether.Tasks;
import io.tether.testing.Bounded;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JDK client and server over loopback: the budget travels, a cancel stops the handler. */
class ContextHttpTest {
  private final Loopback net;
  private final ContextHttpClient http;
  private final AtomicReference<Context> seen = new AtomicReference<>();
  private final CountDownLatch holding = new CountDownLatch(1);

  ContextHttpTest() throws IOException {
    net = new Loopback();
    http = ContextHttpClient.of(net.client);
  }

  @AfterEach
  void close() throws InterruptedException {
    net.close();
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Answers with the budget header it got and the remaining time of its context. */
  private void serveBudget(RequestBudget budget) {
    net.serve(
        "/budget",
        budget,
        ex -> {
          Context ctx = ContextFilter.context(ex);
          seen.set(ctx);
          String remaining =
              ctx.deadline()
                  .map(d -> Long.toString(Duration.between(Instant.now(), d).toMillis()))
                  .orElse("none");
          reply(
              ex,
              200,
              ex.getRequestHeaders().getFirst(RequestBudget.DEFAULT_HEADER) + " " + remaining);
        });
  }

  private static List2 parse(String body) {
    String[] parts = body.split(" ");
    return new List2(parts[0], parts[1]);
  }

  record List2(String header, String remaining) {}

  @Test
  void theClientsDeadlineReachesTheHandlerAsARemainingBudget() throws Exception {
    serveBudget(RequestBudget.defaults());
    HttpRequest request = HttpRequest.newBuilder(net.uri("/budget")).build();
    http.send(Context.background(), request, BodyHandlers.ofString()); // connect first
    long t0 = System.nanoTime();
    HttpResponse<String> r;
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(300))) {
      r = http.send(ctx, request, BodyHandlers.ofString());
    }
    long spent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    List2 got = parse(r.body());
    System.out.println(
        "http budget: header "
            + got.header()
            + " ms, handler had "
            + got.remaining()
            + " ms left; round trip "
            + spent
            + " ms");
    assertThat(Long.parseLong(got.header())).isBetween(1L, 300L);
    assertThat(Long.parseLong(got.remaining())).isBetween(0L, Long.parseLong(got.header()));
    assertThat(Long.parseLong(got.remaining())).isGreaterThan(300 - spent - 25);
    assertThat(r.request().timeout())
        .get()
        .satisfies(t -> assertThat(t).isLessThanOrEqualTo(Duration.ofMillis(300)));
  }

  @Test
  void withoutADeadlineNoHeaderIsSentAndTheHandlerHasNone() throws Exception {
    serveBudget(RequestBudget.defaults());
    HttpResponse<String> r =
        http.send(
            Context.background(),
            HttpRequest.newBuilder(net.uri("/budget")).build(),
            BodyHandlers.ofString());
    assertThat(r.body()).isEqualTo("null none");
    Bounded.until("the request's context to end", () -> seen.get().isDone());
    assertThat(seen.get().cause())
        .isInstanceOfSatisfying(
            RequestEndedException.class,
            e -> assertThat(e.reason()).isEqualTo(RequestEndedException.Reason.COMPLETED));
  }

  @Test
  void theServersMaximumCapsTheClientsBudget() throws Exception {
    serveBudget(RequestBudget.defaults().maximum(Duration.ofSeconds(1)));
    HttpResponse<String> r;
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(30))) {
      r =
          http.send(
              ctx, HttpRequest.newBuilder(net.uri("/budget")).build(), BodyHandlers.ofString());
    }
    assertThat(Long.parseLong(parse(r.body()).remaining())).isBetween(0L, 1000L);
  }

  @Test
  void aBudgetBelowTheFloorIsRefusedWith504WithoutRunningTheHandler() throws Exception {
    serveBudget(RequestBudget.defaults().floor(Duration.ofMillis(100)));
    HttpResponse<String> r =
        net.client.send(
            HttpRequest.newBuilder(net.uri("/budget"))
                .header(RequestBudget.DEFAULT_HEADER, "20")
                .build(),
            BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).contains("budget of 20 ms is below this server's floor of 100 ms");
    assertThat(seen.get()).isNull();
  }

  /**
   * Holds the request open: a task that waits for the request's context, and the handler itself
   * streaming the response until a write fails (the only way the JDK's server sees a client go).
   */
  private void serveStream() {
    net.serve(
        "/stream",
        RequestBudget.defaults(),
        ex -> {
          Context ctx = ContextFilter.context(ex);
          seen.set(ctx);
          ex.sendResponseHeaders(200, 0);
          OutputStream out = ex.getResponseBody();
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
        });
  }

  private static Duration awaitTreesGone() {
    long start = System.nanoTime();
    Bounded.until(
        "the requests' task trees to be gone",
        () -> Tasks.snapshot().stream().noneMatch(t -> t.path().startsWith("\"http/")));
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Test
  void aClientCancelStopsTheHandlersScope() throws Exception {
    serveStream();
    CancellableContext ctx = Context.background().withCancel();
    CompletableFuture<HttpResponse<InputStream>> response =
        http.sendAsync(
            ctx, HttpRequest.newBuilder(net.uri("/stream")).build(), BodyHandlers.ofInputStream());
    InputStream body = response.get(Bounded.HANG.toMillis(), TimeUnit.MILLISECONDS).body();
    assertThat(body.readNBytes(4096)).hasSize(4096); // streaming
    Bounded.await(holding);
    assertThat(Tasks.snapshot())
        .extracting(TaskInfo::path)
        .contains(
            "\"http/GET /stream\"",
            "\"http/GET /stream\"/stream",
            "\"http/GET /stream\"/stream/hold");

    ctx.cancel(new IllegalStateException("user left"));
    Throwable read = catchThrowable(() -> body.readAllBytes());
    assertThat(read).isInstanceOf(IOException.class).hasRootCauseMessage("user left");
    body.close();
    Duration took = awaitTreesGone();
    System.out.printf(
        "http cancel: handler's tree gone %.1f ms after the client's cancel; cause: %s%n",
        took.toNanos() / 1e6, seen.get().cause());
    assertThat(seen.get().cause())
        .isInstanceOfSatisfying(
            RequestEndedException.class,
            e -> assertThat(e.reason()).isEqualTo(RequestEndedException.Reason.CLIENT_GONE));
  }

  @Test
  void aCancelWhileWaitingForTheResponseFailsTheFutureWithTheContextsError() throws Exception {
    serveStream();
    CancellableContext ctx = Context.background().withCancel();
    CompletableFuture<HttpResponse<String>> response =
        http.sendAsync(
            ctx, HttpRequest.newBuilder(net.uri("/stream")).build(), BodyHandlers.ofString());
    Bounded.await(holding);
    ctx.cancel(new IllegalStateException("user left"));
    Throwable failure =
        response.handle((r, f) -> f).get(Bounded.HANG.toMillis(), TimeUnit.MILLISECONDS);
    // CompletableFuture's view of a CancellationException: cancelled
    assertThat(response.isCancelled()).isTrue();
    assertThat(failure).isInstanceOf(CancellationException.class).hasRootCauseMessage("user left");
    awaitTreesGone();
    assertThat(seen.get().cause()).isInstanceOf(RequestEndedException.class);
  }

  @Test
  void theClientsDeadlineEndsBothSidesWithDeadlineExceeded() throws Exception {
    net.serve(
        "/hold",
        RequestBudget.defaults(),
        ex -> {
          Context ctx = ContextFilter.context(ex);
          seen.set(ctx);
          try {
            ctx.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          reply(ex, 504, "out of time");
        });
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(200))) {
      Throwable t =
          catchThrowable(() ->
              http.send(
                  ctx, HttpRequest.newBuilder(net.uri("/hold")).build(), BodyHandlers.ofString()));
      assertThat(t).isInstanceOf(DeadlineExceededException.class);
    }
    Bounded.until("the handler's context to end", () -> seen.get() != null && seen.get().isDone());
    assertThat(seen.get().err()).isInstanceOf(DeadlineExceededException.class);
  }

  @Test
  void aContextAlreadyDoneSendsNothing() throws Exception {
    serveBudget(RequestBudget.defaults());
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel(new IllegalStateException("too late"));
    assertThatThrownBy(() ->
            http.send(
                ctx, HttpRequest.newBuilder(net.uri("/budget")).build(), BodyHandlers.ofString()))
        .isInstanceOf(CancellationException.class)
        .hasRootCauseMessage("too late");
    assertThat(seen.get()).isNull();
  }

  @Test
  void theAccessorOnAnExchangeWithoutTheFilterSaysWhatToDo() throws Exception {
    net.server.createContext(
        "/plain",
        ex -> {
          String message;
          try {
            ContextFilter.context(ex);
            message = "no error";
          } catch (IllegalStateException e) {
            message = e.getMessage();
          }
          reply(ex, 500, message);
        });
    HttpResponse<String> r =
        net.client.send(HttpRequest.newBuilder(net.uri("/plain")).build(), BodyHandlers.ofString());
    assertThat(r.body()).contains("did not pass through a ContextFilter");
  }
}
