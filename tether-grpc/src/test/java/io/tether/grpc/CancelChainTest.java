package io.tether.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.Scope;
import io.tether.Task;
import io.tether.TaskInfo;
import io.tether.Tasks;
import io.tether.testing.Bounded;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client's cancel travels down A -> B -> C over real sockets and ends the task trees that B and C
 * started for the call; a client that drops its connection ends the server's tree too.
 */
class CancelChainTest {
  private final Loopback net = new Loopback();

  /** Bounds how long the trees may take to go once the cancel is sent: a hang, not a schedule. */
  private static final Duration GONE_WITHIN = Duration.ofSeconds(5);

  @AfterEach
  void close() throws InterruptedException {
    net.close();
  }

  /** C: opens a scope "leaf" on the call's context with a task that waits for the cancel. */
  private final CountDownLatch cHolding = new CountDownLatch(1);

  private final AtomicReference<Context> cContext = new AtomicReference<>();

  private Shop.Handler leaf() {
    return request -> {
      Context ctx = ServerContexts.current();
      cContext.set(ctx);
      try (Scope scope = Scope.open(ctx, "leaf")) {
        scope.go(
            "hold",
            c -> {
              cHolding.countDown();
              c.await();
            });
        scope.join();
      }
      return "leaf";
    };
  }

  private static List<TaskInfo> underGrpc(String method) {
    // The call's scope is named by the method; a name with '/' is one quoted path segment.
    String prefix = "\"grpc/" + Shop.SERVICE + "/" + method + "\"";
    return Tasks.snapshot().stream().filter(t -> t.path().startsWith(prefix)).toList();
  }

  /** Waits until the registry holds nothing under any gRPC call; returns how long that took. */
  private static Duration awaitTreesGone() {
    long start = System.nanoTime();
    Bounded.until(
        "the gRPC calls' task trees to be gone",
        () -> Tasks.snapshot().stream().noneMatch(t -> t.path().startsWith("\"grpc/")));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isLessThan(GONE_WITHIN);
    return took;
  }

  @Test
  void aClientCancelInAStopsTheTasksInBAndC() throws Exception {
    ServerContexts contexts = ServerContexts.create();
    int c = net.serve(contexts, Shop.service(Map.of("Leaf", leaf())));
    Shop.Stub toC = new Shop.Stub(net.channel(c));
    AtomicReference<Context> bContext = new AtomicReference<>();
    int b =
        net.serve(
            contexts,
            Shop.service(
                Map.of(
                    "Relay",
                    request -> {
                      Context ctx = ServerContexts.current();
                      bContext.set(ctx);
                      try (Scope scope = Scope.open(ctx, "relay")) {
                        Task<String> down =
                            scope.spawn(
                                "call C", t -> ClientContexts.under(t, toC).call("Leaf", request));
                        scope.join();
                        return down.resultNow();
                      }
                    })));
    Shop.Stub toB = new Shop.Stub(net.channel(b));

    CancellableContext a = Context.background().withCancel();
    ListenableFuture<String> reply = ClientContexts.under(a, toB).future("Relay", "order");
    Bounded.await(cHolding);
    assertThat(underGrpc("Relay"))
        .extracting(TaskInfo::path)
        .contains("\"grpc/ShopService/Relay\"/relay");
    assertThat(underGrpc("Leaf"))
        .extracting(TaskInfo::path)
        .contains("\"grpc/ShopService/Leaf\"/leaf", "\"grpc/ShopService/Leaf\"/leaf/hold");

    IllegalStateException why = new IllegalStateException("the user closed the page");
    long cancelled = System.nanoTime();
    a.cancel(why);
    Duration took = awaitTreesGone();
    System.out.printf(
        "cancel chain: trees in B and C gone %.1f ms after A's cancel%n", took.toNanos() / 1e6);

    Throwable failure =
        catchThrowable(() -> reply.get(Bounded.HANG.toMillis(), TimeUnit.MILLISECONDS));
    assertThat(failure).isInstanceOf(ExecutionException.class);
    assertThat(Status.fromThrowable(failure.getCause()).getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(failure.getCause()).hasRootCauseMessage("the user closed the page");
    assertThat(System.nanoTime() - cancelled).isLessThan(GONE_WITHIN.toNanos());

    for (Context server : List.of(bContext.get(), cContext.get())) {
      assertThat(server.isDone()).isTrue();
      assertThat(server.cause())
          .isInstanceOfSatisfying(
              CallEndedException.class,
              e -> assertThat(e.reason()).isEqualTo(CallEndedException.Reason.CLIENT_CANCELLED));
    }
    System.out.println("cancel chain: cause at C: " + cContext.get().cause());
  }

  @Test
  void cancellingTheContextCancelsABlockingCall() throws Exception {
    int c = net.serve(ServerContexts.create(), Shop.service(Map.of("Leaf", leaf())));
    Shop.Stub toC = new Shop.Stub(net.channel(c));
    CancellableContext a = Context.background().withCancel();
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    Thread caller =
        Thread.ofVirtual()
            .start(() ->
                thrown.complete(
                    catchThrowable(() -> ClientContexts.under(a, toC).call("Leaf", "x"))));
    Bounded.await(cHolding);
    a.cancel();
    Bounded.join(caller);
    assertThat(thrown.get())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED));
    awaitTreesGone();
    assertThat(cContext.get().cause()).isInstanceOf(CallEndedException.class);
  }

  @Test
  void cancellingTheContextCancelsAnAsyncCall() throws Exception {
    int c = net.serve(ServerContexts.create(), Shop.service(Map.of("Leaf", leaf())));
    Shop.Stub toC = new Shop.Stub(net.channel(c));
    CancellableContext a = Context.background().withCancel();
    CompletableFuture<Throwable> error = new CompletableFuture<>();
    ClientContexts.under(a, toC)
        .async(
            "Leaf",
            "x",
            new StreamObserver<>() {
              @Override
              public void onNext(String value) {}

              @Override
              public void onError(Throwable t) {
                error.complete(t);
              }

              @Override
              public void onCompleted() {
                error.complete(null);
              }
            });
    Bounded.await(cHolding);
    a.cancel();
    Throwable t = error.get(Bounded.HANG.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.CANCELLED);
    awaitTreesGone();
  }

  @Test
  void aContextAlreadyDoneCancelsTheCallAtOnce() throws Exception {
    int c = net.serve(ServerContexts.create(), Shop.service(Map.of("Leaf", leaf())));
    Shop.Stub toC = new Shop.Stub(net.channel(c));
    CancellableContext a = Context.background().withCancel();
    a.cancel(new IllegalStateException("gave up early"));
    Throwable t = catchThrowable(() -> ClientContexts.under(a, toC).call("Leaf", "x"));
    assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.CANCELLED);
    assertThat(t).hasRootCauseMessage("gave up early");
  }

  @Test
  void aClientThatDisconnectsCancelsTheServersTree() throws Exception {
    int c = net.serve(ServerContexts.create(), Shop.service(Map.of("Leaf", leaf())));
    var channel = net.channel(c);
    ListenableFuture<String> reply = new Shop.Stub(channel).future("Leaf", "x");
    Bounded.await(cHolding);
    assertThat(underGrpc("Leaf")).isNotEmpty();

    channel.shutdownNow(); // abrupt: no graceful end of the call
    Duration took = awaitTreesGone();
    System.out.printf(
        "disconnect: tree in C gone %.1f ms after shutdownNow; cause: %s%n",
        took.toNanos() / 1e6, cContext.get().cause());
    assertThat(cContext.get().cause()).isInstanceOf(CallEndedException.class);
    Throwable failure =
        catchThrowable(() -> reply.get(Bounded.HANG.toMillis(), TimeUnit.MILLISECONDS));
    assertThat(failure).isNotInstanceOf(TimeoutException.class);
  }
}
