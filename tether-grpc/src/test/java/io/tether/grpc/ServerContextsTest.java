package io.tether.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.DeadlineExceededException;
import io.tether.Scope;
import io.tether.TaskInfo;
import io.tether.Tasks;
import io.tether.testing.Bounded;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server side on its own: the accessor, the owner in the registry, each way a call ends. */
class ServerContextsTest {
  private final Loopback net = new Loopback();
  private final CountDownLatch holding = new CountDownLatch(1);
  private final AtomicReference<Context> seen = new AtomicReference<>();

  @AfterEach
  void close() throws InterruptedException {
    net.close();
  }

  /** Keeps a scope open on the call's context until that context is done. */
  private Shop.Handler hold() {
    return request -> {
      Context ctx = ServerContexts.current();
      seen.set(ctx);
      try (Scope scope = Scope.open(ctx, "work")) {
        scope.go(
            "hold",
            c -> {
              holding.countDown();
              c.await();
            });
        scope.join();
      } catch (CancellationException cancelledFromOutside) {
        // a scope cancelled from outside may report it from join (the core's exact-cancel rule)
      }
      return "held";
    };
  }

  private static void awaitTreesGone() {
    Bounded.until(
        "the gRPC calls' task trees to be gone",
        () -> Tasks.snapshot().stream().noneMatch(t -> t.path().startsWith("\"grpc/")));
  }

  private static CallEndedException.Reason reason(Context ctx) {
    assertThat(ctx.cause()).isInstanceOf(CallEndedException.class);
    return ((CallEndedException) ctx.cause()).reason();
  }

  @Test
  void currentOutsideACallSaysWhatToDo() {
    assertThatThrownBy(ServerContexts::current)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not handling a gRPC call through ServerContexts")
        .hasMessageContaining("install");
  }

  @Test
  void theCallsScopesShowUnderTheMethodAndTheContextEndsWhenTheCallCompletes() throws Exception {
    AtomicReference<String> paths = new AtomicReference<>();
    int port =
        net.serve(
            ServerContexts.create(),
            Shop.service(
                Map.of(
                    "Place",
                    request -> {
                      Context ctx = ServerContexts.current();
                      seen.set(ctx);
                      try (Scope scope = Scope.open(ctx, "place")) {
                        scope.go(
                            "price",
                            c -> {
                              paths.set(
                                  Tasks.snapshot().stream()
                                      .map(TaskInfo::path)
                                      .filter(p -> p.startsWith("\"grpc/"))
                                      .sorted()
                                      .toList()
                                      .toString());
                            });
                        scope.join();
                      }
                      return "placed";
                    })));
    String reply = new Shop.Stub(net.channel(port)).call("Place", "order");
    assertThat(reply).isEqualTo("placed");
    assertThat(paths.get())
        .isEqualTo(
            "[\"grpc/ShopService/Place\", \"grpc/ShopService/Place\"/place,"
                + " \"grpc/ShopService/Place\"/place/price]");
    awaitTreesGone();
    assertThat(seen.get().await(Bounded.HANG)).isTrue();
    assertThat(reason(seen.get())).isEqualTo(CallEndedException.Reason.COMPLETED);
  }

  @Test
  void aClientThatVanishesCancelsTheServersTreeAsDisconnected() throws Exception {
    int port = net.serve(ServerContexts.create(), Shop.service(Map.of("Hold", hold())));
    try (TcpRelay relay = new TcpRelay(port)) {
      ListenableFuture<String> reply = new Shop.Stub(net.channel(relay.port())).future("Hold", "x");
      Bounded.await(holding);
      relay.cut();
      awaitTreesGone();
      System.out.println("vanished client: cause at the server: " + seen.get().cause());
      assertThat(reason(seen.get())).isEqualTo(CallEndedException.Reason.DISCONNECTED);
      Throwable failure =
          catchThrowable(() -> reply.get(Bounded.HANG.toMillis(), TimeUnit.MILLISECONDS));
      assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  @Test
  void theClientsDeadlineEndsTheServersTree() throws Exception {
    int port =
        net.serve(
            ServerContexts.create(), Shop.service(Map.of("Hold", hold(), "Ping", r -> "pong")));
    ManagedChannel channel = net.channel(port);
    // Connect first: grpc-java does not subtract the connect time from grpc-timeout, so on a cold
    // channel the server's deadline is later than the client's by that time, and the client's
    // reset at its deadline would arrive well before the server's (and read as a cancel).
    assertThat(new Shop.Stub(channel).call("Ping", "x")).isEqualTo("pong");
    Throwable failure =
        catchThrowable(() ->
            new Shop.Stub(channel).withDeadlineAfter(200, TimeUnit.MILLISECONDS).call("Hold", "x"));
    assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    awaitTreesGone();
    Context ctx = seen.get();
    System.out.println("deadline: err " + ctx.err() + "; cause " + ctx.cause());
    boolean byTimer = ctx.err() instanceof DeadlineExceededException;
    // Telling a reset at the deadline from a cancel is a reading of the time (within
    // DEADLINE_SLACK of the server's deadline). On a heavily loaded machine the reset can arrive
    // earlier than that and read as a cancel; the tree ends either way.
    boolean readAsCancel =
        ctx.cause() instanceof CallEndedException e
            && e.reason() == CallEndedException.Reason.CLIENT_CANCELLED;
    if (readAsCancel) {
      System.out.println("deadline: the client's reset came early and read as a cancel (load?)");
    }
    assertThat(byTimer || readAsCancel).as("ended by the deadline: %s", ctx.cause()).isTrue();
  }

  @Test
  void cancellingTheRootCancelsEveryCallsContext() throws Exception {
    CancellableContext root = Context.background().withCancel();
    int port = net.serve(ServerContexts.create(root), Shop.service(Map.of("Hold", hold())));
    String reply;
    ListenableFuture<String> future = new Shop.Stub(net.channel(port)).future("Hold", "x");
    Bounded.await(holding);
    root.cancel(new IllegalStateException("server stopping"));
    reply = future.get(Bounded.HANG.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(reply).isEqualTo("held"); // the handler decides what to answer
    assertThat(seen.get().cause()).hasMessage("server stopping");
    awaitTreesGone();
  }

  @Test
  void theInterceptorWithoutItsTracerFailsEachCallSayingSo() throws Exception {
    ServerContexts contexts = ServerContexts.create();
    int port =
        net.serve(
            builder -> builder.intercept(contexts.interceptor()),
            Shop.service(Map.of("Place", request -> "placed")));
    Throwable failure =
        catchThrowable(() -> new Shop.Stub(net.channel(port)).call("Place", "order"));
    assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(failure).hasMessageContaining("without its stream tracer");
  }

  @Test
  void aCallWithLessThanTheFloorLeftIsRefusedWithoutRunningTheHandler() throws Exception {
    int port =
        net.serve(
            ServerContexts.create().floor(Duration.ofSeconds(5)),
            Shop.service(Map.of("Hold", hold())));
    Throwable failure =
        catchThrowable(() ->
            new Shop.Stub(net.channel(port))
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .call("Hold", "x"));
    assertThat(Status.fromThrowable(failure).getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(failure).hasMessageContaining("below this server's floor of 5000 ms");
    assertThat(seen.get()).isNull();
  }

  @Test
  void theMaximumCapsTheCallsContext() throws Exception {
    int port =
        net.serve(
            ServerContexts.create().maximum(Duration.ofSeconds(1)),
            Shop.service(
                Map.of(
                    "Place",
                    request -> {
                      seen.set(ServerContexts.current());
                      return Long.toString(
                          Duration.between(
                                  java.time.Instant.now(),
                                  ServerContexts.current().deadline().orElseThrow())
                              .toMillis());
                    })));
    String left = new Shop.Stub(net.channel(port)).call("Place", "no deadline");
    assertThat(Long.parseLong(left)).isBetween(0L, 1000L);
  }
}
