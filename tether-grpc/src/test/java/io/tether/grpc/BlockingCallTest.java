package io.tether.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.DeadlineExceededException;
import io.tether.Scope;
import io.tether.Task;
import io.tether.testing.Bounded;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ClientContexts.call: a call cut short by its context ends as Tether's cancellation. */
class BlockingCallTest {
  private final Loopback net = new Loopback();
  private final CountDownLatch holding = new CountDownLatch(1);

  @AfterEach
  void close() throws InterruptedException {
    net.close();
  }

  private Shop.Stub holdingServer() throws Exception {
    int port =
        net.serve(
            ServerContexts.create(),
            Shop.service(
                Map.of(
                    "Hold",
                    request -> {
                      holding.countDown();
                      ServerContexts.current().await();
                      return "held";
                    },
                    "Fail",
                    request -> {
                      throw Status.NOT_FOUND.withDescription("no such order").asException();
                    })));
    return new Shop.Stub(net.channel(port));
  }

  @Test
  void aTaskWhoseCallIsCancelledEndsCancelledNotFailed() throws Exception {
    Shop.Stub stub = holdingServer();
    Task<String> call;
    try (Scope scope = Scope.open(Context.background(), "client")) {
      call = scope.spawn("hold", c -> ClientContexts.call(c, stub, s -> s.call("Hold", "x")));
      Bounded.await(holding);
      scope.cancel();
      Throwable joined = catchThrowable(scope::join);
      // join() returns, or throws the cancellation (the core's rule for a scope cancelled while it
      // is joined is being made exact); it never reports the call as a failure.
      if (joined != null) {
        assertThat(joined).isInstanceOf(CancellationException.class);
      }
    }
    assertThat(call.state()).isEqualTo(Task.State.CANCELLED);
  }

  @Test
  void aDeadlineEndsTheCallWithTheContextsDeadlineError() throws Exception {
    Shop.Stub stub = holdingServer();
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(100))) {
      Throwable t = catchThrowable(() -> ClientContexts.call(ctx, stub, s -> s.call("Hold", "x")));
      assertThat(t).isInstanceOf(DeadlineExceededException.class);
      assertThat(t.getSuppressed()).singleElement().isInstanceOf(StatusRuntimeException.class);
    }
  }

  @Test
  void aFailureWhileTheContextIsLivePassesThrough() throws Exception {
    Shop.Stub stub = holdingServer();
    try (CancellableContext ctx = Context.background().withCancel()) {
      Throwable t = catchThrowable(() -> ClientContexts.call(ctx, stub, s -> s.call("Fail", "x")));
      assertThat(t).isNotInstanceOf(CancellationException.class);
      assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }
  }
}
