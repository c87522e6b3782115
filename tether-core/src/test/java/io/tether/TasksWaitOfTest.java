package io.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Bounded;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Tasks.waitOf: the Tether wait a raw thread is parked in, for the leak check (issue 12). */
class TasksWaitOfTest {

  @Test
  void aRawThreadInAChannelSendShowsTheWaitAndTheChannel() throws Exception {
    Channel<Integer> ch = Channel.unbuffered("wait-of");
    Instant before = Instant.now();
    Thread t =
        Thread.ofVirtual()
            .start(() -> {
              try {
                ch.send(1);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Bounded.until("in chan send", () -> Tasks.waitOf(t).isPresent());
    Tasks.Wait w = Tasks.waitOf(t).orElseThrow();
    assertThat(w.reason()).isEqualTo("chan send");
    assertThat(w.target()).isEqualTo("Channel[wait-of, unbuffered, open]");
    assertThat(w.since()).isAfterOrEqualTo(before.minusMillis(1));
    t.interrupt(); // a Tether wait wakes on interrupt
    Bounded.join(t);
    assertThat(Tasks.waitOf(t)).isEmpty();
  }

  @Test
  void aThreadParkedOutsideTetherHasNoTetherWait() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread t = Thread.ofVirtual().start(() -> Bounded.await(release));
    Bounded.until("parked", () -> t.getState() == Thread.State.TIMED_WAITING);
    assertThat(Tasks.waitOf(t)).isEmpty();
    release.countDown();
    Bounded.join(t);
    assertThatThrownBy(() -> Tasks.waitOf(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("thread");
  }
}
