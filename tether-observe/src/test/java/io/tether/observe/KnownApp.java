package io.tether.observe;

import io.tether.CancellableContext;
import io.tether.Channel;
import io.tether.Context;
import io.tether.Scope;
import io.tether.Supervisor;
import io.tether.TaskInfo;
import io.tether.Tasks;
import io.tether.testing.Bounded;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application with known tasks, for the endpoint and browser tests: {@code listeners} (a scope
 * of {@code n} tasks named {@code listener} parked in {@code chan receive}), {@code sup} (a
 * supervisor whose child {@code flaky} failed once and was restarted), and {@code sleepy} (a scope
 * with one task {@code sleeper} in {@code Thread.sleep}). Returns once all of that shows in the
 * registry; {@link #close()} ends it all.
 */
final class KnownApp implements AutoCloseable {
  final CancellableContext ctx = Context.background().withCancel();
  final Channel<String> never = Channel.unbuffered("never");
  final Scope listeners;
  final Scope sleepy;
  final Supervisor sup;
  final int n;

  KnownApp(int n) throws InterruptedException {
    this.n = n;
    listeners = Scope.open(ctx, "listeners");
    for (int i = 0; i < n; i++) {
      listeners.go("listener", c -> never.receive(c));
    }
    CountDownLatch restarted = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    sup =
        Supervisor.builder("sup")
            .child(
                "flaky",
                Supervisor.Restart.PERMANENT,
                c -> {
                  if (runs.incrementAndGet() == 1) {
                    throw new IllegalStateException("flaky broke on its first run");
                  }
                  restarted.countDown();
                  c.await();
                })
            .start(ctx);
    sleepy = Scope.open(ctx, "sleepy");
    sleepy.go("sleeper", c -> Thread.sleep(java.time.Duration.ofHours(1)));
    Bounded.await(restarted);
    Bounded.until(
        n + " listeners in chan receive and a sleeper",
        () -> {
          int waiting = 0;
          boolean sleeping = false;
          for (TaskInfo i : Tasks.snapshot()) {
            if (i.name().equals("listener") && "chan receive".equals(i.waitReason())) {
              waiting++;
            }
            if (i.name().equals("sleeper")) {
              sleeping = true;
            }
          }
          return waiting == n && sleeping;
        });
  }

  @Override
  public void close() {
    ctx.cancel();
    listeners.close();
    sleepy.close();
    sup.close();
    ctx.close();
  }
}
