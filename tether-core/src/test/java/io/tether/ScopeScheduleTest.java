package io.tether;

import static io.tether.testing.Schedules.INVOCATIONS;
import static io.tether.testing.Schedules.check;
import static io.tether.testing.Schedules.join;
import static io.tether.testing.Schedules.start;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/**
 * Schedule exploration (Lincheck's model checker) of a spawn racing the scope's end: a cancel of
 * the scope's context, and a close by its owner. Tasks run on platform threads here (Lincheck
 * cannot drive virtual threads; see the {@code schedule-exploration} execution in the pom).
 *
 * <p>The spawn counts the task in, adds it to the live set, then reads whether the scope's context
 * is done; the cancel marks it done, then walks the live set. One of the two must see the other.
 * Reading the done state before adding the task (the two lines swapped in {@code Scope.startAt})
 * makes {@link #spawnAgainstCancel} fail with "a task spawned under a cancelled scope was missed by
 * the cancel" within the default number of interleavings.
 */
class ScopeScheduleTest {

  /**
   * A spawn against a cancel of the scope's parent context: a task that the spawn created always
   * has its context cancelled, so a body waiting for it ends, and close() returns.
   */
  @Test
  void spawnAgainstCancel() {
    Lincheck.runConcurrentTest(
        INVOCATIONS,
        () -> {
          CancellableContext parent = Context.background().withCancel();
          Scope scope = Scope.open(parent);
          AtomicReference<Task<Void>> spawned = new AtomicReference<>();
          Thread spawner = start(() -> spawned.set(scope.go("waiter", Context::await)));
          Thread canceller = start(parent::cancel);
          join(spawner, canceller);
          Task<Void> t = spawned.get();
          check(t != null, "an open scope refused a spawn");
          check(
              t.context().isDone(),
              "a task spawned under a cancelled scope was missed by the cancel");
          scope.close();
          check(
              t.state() != Task.State.RUNNING,
              "close() returned while its task " + t + " was live");
        });
  }

  /**
   * A spawn (from a thread that holds the scope) against the owner's close: either the spawn is
   * refused, or the task is one close() waits for; close() never returns while a task runs.
   */
  @Test
  void spawnAgainstClose() {
    Lincheck.runConcurrentTest(
        INVOCATIONS,
        () -> {
          Scope scope = Scope.open(Context.background());
          AtomicInteger running = new AtomicInteger();
          AtomicReference<Object> outcome = new AtomicReference<>();
          AtomicInteger runningAfterClose = new AtomicInteger(-1);
          Thread spawner =
              start(() -> {
                try {
                  outcome.set(
                      scope.go(
                          "worker",
                          c -> {
                            running.incrementAndGet();
                            try {
                              c.await();
                            } finally {
                              running.decrementAndGet();
                            }
                          }));
                } catch (IllegalStateException refused) {
                  outcome.set("refused");
                }
              });
          Thread closer =
              start(() -> {
                scope.close();
                runningAfterClose.set(running.get());
              });
          join(spawner, closer);
          check(
              runningAfterClose.get() == 0,
              "close() returned while a task body ran (" + runningAfterClose.get() + " running)");
          Object o = outcome.get();
          check(
              "refused".equals(o) || (o instanceof Task<?> t && t.state() != Task.State.RUNNING),
              "the spawn neither was refused nor ended by close(): " + o);
        });
  }
}
