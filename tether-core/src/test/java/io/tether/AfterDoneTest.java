package io.tether;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.testing.Bounded;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Go's AfterFunc: runs once, off the cancelling thread; stop() says whether it prevented it. */
class AfterDoneTest {

  @Test
  void runsOnceOnAnotherThreadAfterCancel() {
    CancellableContext c = Context.background().withCancel();
    AtomicInteger runs = new AtomicInteger();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    AtomicReference<Boolean> sawDone = new AtomicReference<>();
    CountDownLatch ran = new CountDownLatch(1);
    Registration r =
        c.afterDone(() -> {
          runs.incrementAndGet();
          ranOn.set(Thread.currentThread());
          sawDone.set(c.isDone());
          ran.countDown();
        });

    c.cancel();
    c.cancel();
    Bounded.await(ran);

    assertThat(runs.get()).isEqualTo(1);
    assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
    assertThat(ranOn.get().isVirtual()).isTrue();
    assertThat(sawDone.get()).isTrue();
    assertThat(r.stop()).as("stop after the run started prevents nothing").isFalse();
    assertThat(((CancelNode) c).linkedCount()).isZero();
  }

  @Test
  void cancelDoesNotWaitForTheAction() {
    CancellableContext c = Context.background().withCancel();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    c.afterDone(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      finished.countDown();
    });

    c.cancel(); // returns although the action blocks until released

    assertThat(finished.getCount()).isEqualTo(1);
    release.countDown();
    Bounded.await(finished);
  }

  @Test
  void stopBeforeDonePreventsTheRunAndUnregisters() {
    CancellableContext c = Context.background().withCancel();
    AtomicInteger runs = new AtomicInteger();
    Registration r = c.afterDone(runs::incrementAndGet);
    assertThat(((CancelNode) c).linkedCount()).isEqualTo(1);

    assertThat(r.stop()).isTrue();
    assertThat(r.stop()).as("second stop: already stopped").isFalse();
    assertThat(((CancelNode) c).linkedCount()).isZero();

    // If stop() had not prevented it, cancel would start the action, and this later action
    // (started by the same cancel, after it in list order) would not be the only one to run.
    CountDownLatch later = new CountDownLatch(1);
    c.afterDone(later::countDown);
    c.cancel();
    Bounded.await(later);
    assertThat(runs.get()).isZero();
  }

  @Test
  void registeringOnADoneContextRunsAtOnce() {
    CancellableContext c = Context.background().withCancel();
    c.cancel();
    CountDownLatch ran = new CountDownLatch(1);

    Registration r = c.afterDone(ran::countDown);

    Bounded.await(ran);
    assertThat(r.stop()).isFalse();
  }

  @Test
  void runsWhenAnAncestorIsCancelledOrADescendantOfAValueNode() {
    CancellableContext parent = Context.background().withCancel();
    Context child = parent.withValue(Context.Key.of("k"), "v");
    CountDownLatch ran = new CountDownLatch(1);
    child.afterDone(ran::countDown);

    parent.cancel();

    Bounded.await(ran);
  }

  @Test
  void onANeverDoneContextNeverRunsAndStopReportsPrevention() {
    Registration r = Context.background().afterDone(() -> {});
    assertThat(r.toString()).isEqualTo("afterDone(background)[armed]");
    assertThat(r.stop()).isTrue();
    assertThat(r.stop()).isFalse();
    assertThat(r.toString()).isEqualTo("afterDone(background)[stopped]");
  }
}
