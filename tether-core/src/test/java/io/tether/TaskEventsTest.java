package io.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The one hook: listeners hear spawns and ends; a throwing listener is removed, not silent. */
class TaskEventsTest {

  @Test
  void listenerHearsEverySpawnAndEndWithItsOutcomeBeforeCloseReturns() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    TaskListener listener =
        new TaskListener() {
          @Override
          public void spawned(Task<?> task) {
            heard.add("spawned " + task.name());
          }

          @Override
          public void ended(Task<?> task, Task.State outcome, long runNanos) {
            assertThat(task.state()).isEqualTo(outcome);
            assertThat(runNanos).isNotNegative();
            heard.add("ended " + task.name() + " " + outcome);
          }
        };
    try (TaskEvents.Subscription s = TaskEvents.subscribe(listener)) {
      try (Scope scope = Scope.supervised(Context.background(), "events")) {
        scope.go("ok", c -> {});
        Task<Void> bad =
            scope.go(
                "bad",
                c -> {
                  throw new IllegalStateException("bad");
                });
        scope.join();
        assertThat(bad.exceptionNow()).hasMessage("bad");
      }
      assertThat(s.isActive()).isTrue();
      assertThat(s.failure()).isEmpty();
    }
    // close() of the scope waited for both ends: the listener calls happened-before it returned.
    assertThat(heard)
        .containsExactlyInAnyOrder(
            "spawned ok", "spawned bad", "ended ok SUCCEEDED", "ended bad FAILED");
    assertThat(Hooks.active()).as("nothing listens after close").isFalse();
  }

  @Test
  void aListenerThatThrowsIsRemovedAndItsFailureReachesItsOwner() throws Exception {
    IllegalStateException oops = new IllegalStateException("oops");
    TaskEvents.Subscription s =
        TaskEvents.subscribe(
            new TaskListener() {
              @Override
              public void spawned(Task<?> task) {
                throw oops;
              }
            });
    try (Scope scope = Scope.open(Context.background(), "throwing-listener")) {
      Task<String> t = scope.spawn("unaffected", c -> "fine");
      assertThat(t.join()).isEqualTo("fine");
    }
    assertThat(s.isActive()).isFalse();
    assertThat(s.failure()).containsSame(oops);
    assertThatThrownBy(s::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("threw")
        .hasCause(oops);
    s.close(); // reported once; idempotent after that
  }

  @Test
  void stragglersAndLeakReportsReachListeners() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    try (TaskEvents.Subscription s =
        TaskEvents.subscribe(
            new TaskListener() {
              @Override
              public void straggler(Task<?> task) {
                heard.add("straggler " + task.name());
              }

              @Override
              public void leakSuspected(TaskInfo task, String shape, String description) {
                heard.add("leak " + task.name() + " " + shape);
              }
            })) {
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      Scope scope = Scope.open(Context.background(), "stragglers");
      Task<Void> deaf =
          scope.go(
              "deaf",
              c -> {
                while (release.getCount() > 0) {
                  try {
                    release.await();
                  } catch (InterruptedException ignored) {
                    // a straggler on purpose
                  }
                }
              });
      io.tether.testing.Bounded.until(
          "deaf blocked",
          () -> deaf.thread != null && deaf.thread.getState() == Thread.State.WAITING);
      TaskInfo info = Tasks.snapshot().stream().filter(i -> i.id() == deaf.id()).findFirst().get();
      TaskEvents.reportLeak(info, "LOCK_WAIT", "test");
      assertThat(scope.stop(Duration.ZERO).stragglers()).hasSize(1);
      release.countDown();
      deaf.join();
    }
    assertThat(heard).containsExactly("leak deaf LOCK_WAIT", "straggler deaf");
  }
}
