package io.tether;

import static io.tether.ScopeTest.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Bounded;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Service keeps the laws (issue 12): one failure rule with tasks, listeners in order, nothing left
 * linked after the body returns, a stop whose report survives an interrupt.
 */
class ServiceLawsTest {

  /**
   * A service whose body waits for its context (woken by the cancel itself: no interrupt reaches
   * its thread), then runs {@code afterCancel} and fails with an IOException; returned once it
   * waits.
   */
  private static Service flusherInAwait(String name, VoidWork afterCancel) {
    Service s =
        Service.start(
            Context.background(),
            name,
            c -> {
              c.await();
              afterCancel.run(c);
              throw new IOException("flush failed while stopping");
            });
    awaitWaiting(s.bodyTask(), "ctx.await");
    return s;
  }

  // ---- item 5: failures after a stop are failures ----

  @Test
  void aBodyThatThrowsSomethingElseAfterItsStopFailedAndTheReportCarriesIt() throws Exception {
    Service s = flusherInAwait("flusher", c -> {});
    StopReport r = s.stop(Bounded.HANG);
    assertThat(s.state()).isEqualTo(Service.State.FAILED);
    assertThat(r.stragglers()).isEmpty();
    assertThat(r.failures())
        .singleElement()
        .satisfies(f -> assertThat(f).isInstanceOf(IOException.class));
    assertThat(s.failure()).hasMessage("flush failed while stopping");
    s.close(); // the stop reported it: seen, so close is quiet
  }

  @Test
  void closeThrowsAFailureThrownWhileStopping() throws Exception {
    Service s = flusherInAwait("flusher", c -> {});
    assertThatThrownBy(s::close)
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("service 'flusher' failed")
        .hasCauseInstanceOf(IOException.class);
    assertThat(s.state()).isEqualTo(Service.State.FAILED);
  }

  @Test
  void onlyTheCancellationItselfEndsAStoppedServiceAsTerminated() throws Exception {
    List<Throwable> thrown =
        List.of(
            new CancellationException("mine"),
            new InterruptedException("woken"),
            new java.io.InterruptedIOException("socket woken"));
    for (Throwable t : thrown) {
      Service s =
          Service.start(
              Context.background(),
              "quits",
              c -> {
                c.await();
                if (t instanceof Exception e) {
                  throw e;
                }
              });
      awaitWaiting(s.bodyTask(), "ctx.await");
      assertThat(s.stop(Bounded.HANG).clean()).as("stop after %s", t).isTrue();
      assertThat(s.state()).as("after %s", t).isEqualTo(Service.State.TERMINATED);
    }
    // The same exception thrown while nobody asked it to stop is a failure.
    Service early =
        Service.start(
            Context.background(),
            "early",
            c -> {
              throw new CancellationException("an inner timeout, not our stop");
            });
    assertThat(early.await()).isEqualTo(Service.State.FAILED);
    assertThatThrownBy(early::close).isInstanceOf(TaskFailedException.class);
  }

  // ---- item 6: an interrupted stop keeps its report ----

  @Test
  void anInterruptedStopStillWaitsWithinItsBoundAndReportsTheFailure() throws Exception {
    CountDownLatch sawCancel = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    Service s =
        flusherInAwait(
            "slow-flush",
            c -> {
              sawCancel.countDown();
              proceed.await();
            });
    AtomicReference<StopReport> report = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    Thread stopper =
        Thread.ofVirtual()
            .start(() -> {
              Thread.currentThread().interrupt(); // interrupted before it even starts
              report.set(s.stop(Bounded.HANG));
              interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
    Bounded.await(sawCancel);
    stopper.interrupt(); // and again while it waits
    proceed.countDown();
    Bounded.join(stopper);
    assertThat(interruptedAfter).isTrue();
    assertThat(report.get().stragglers()).isEmpty();
    assertThat(report.get().failures())
        .singleElement()
        .satisfies(f -> assertThat(f).hasMessage("flush failed while stopping"));
    assertThat(s.state()).isEqualTo(Service.State.FAILED);
  }

  @Test
  void anInterruptedCloseThrowsTheFailureAndKeepsTheInterruptStatus() throws Exception {
    CountDownLatch sawCancel = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    Service s =
        flusherInAwait(
            "slow-flush",
            c -> {
              sawCancel.countDown();
              proceed.await();
            });
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    Thread closer =
        Thread.ofVirtual()
            .start(() -> {
              Thread.currentThread().interrupt();
              try {
                s.close();
              } catch (RuntimeException e) {
                thrown.set(e);
              }
              interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
    Bounded.await(sawCancel);
    proceed.countDown();
    Bounded.join(closer);
    assertThat(interruptedAfter).isTrue();
    assertThat(thrown.get())
        .isInstanceOf(TaskFailedException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  // ---- item 3: listeners hear transitions in order, one at a time ----

  @Test
  void listenersHearTransitionsInOrderOneAtATimeEvenWhenAStopOvertakesThem() throws Exception {
    CountDownLatch inFirst = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    List<String> heard = new CopyOnWriteArrayList<>();
    AtomicBoolean inside = new AtomicBoolean();
    AtomicBoolean overlapped = new AtomicBoolean();
    Service.Listener listener =
        (svc, from, to) -> {
          if (!inside.compareAndSet(false, true)) {
            overlapped.set(true);
          }
          heard.add(from + "->" + to);
          if (to == Service.State.RUNNING) {
            inFirst.countDown();
            // Holds the first delivery (on the body's thread) while the stop happens; the stop's
            // interrupt reaches this thread too, so wait through it.
            boolean interrupted = false;
            while (true) {
              try {
                releaseFirst.await();
                break;
              } catch (InterruptedException e) {
                interrupted = true;
              }
            }
            if (interrupted) {
              Thread.currentThread().interrupt();
            }
          }
          inside.set(false);
        };
    Service s =
        Service.startOwned(
            Context.background(), "ordered", Context::await, false, null, listener, null);
    Bounded.await(inFirst);
    AtomicReference<StopReport> report = new AtomicReference<>();
    Thread stopper = Thread.ofVirtual().start(() -> report.set(s.stop(Bounded.HANG)));
    // The stopper has made its transition (RUNNING -> STOPPING) while the first is being heard.
    Bounded.until("STOPPING recorded", () -> s.state() == Service.State.STOPPING);
    assertThat(heard).containsExactly("STARTING->RUNNING");
    releaseFirst.countDown();
    Bounded.join(stopper);
    assertThat(report.get().clean()).isTrue();
    assertThat(s.await()).isEqualTo(Service.State.TERMINATED);
    // await() returns only after every listener heard the end.
    assertThat(heard)
        .containsExactly("STARTING->RUNNING", "RUNNING->STOPPING", "STOPPING->TERMINATED");
    assertThat(overlapped).isFalse();
  }

  @Test
  void aListenerAddedLaterHearsOnlyLaterTransitionsAndItsExceptionIsReported() throws Exception {
    Service s = Service.start(Context.background(), "late", Context::await);
    awaitWaiting(s.bodyTask(), "ctx.await");
    List<String> heard = new ArrayList<>();
    s.addListener((svc, from, to) -> {
      heard.add(from + "->" + to);
      if (to == Service.State.STOPPING) {
        throw new IllegalStateException("listener broke");
      }
    });
    StopReport r = s.stop(Bounded.HANG);
    assertThat(s.await()).isEqualTo(Service.State.TERMINATED);
    assertThat(heard).containsExactly("RUNNING->STOPPING", "STOPPING->TERMINATED");
    assertThat(r.failures())
        .singleElement()
        .satisfies(f ->
            assertThat(f)
                .hasMessageContaining("listener")
                .hasMessageContaining("threw on RUNNING -> STOPPING")
                .hasRootCauseMessage("listener broke"));
  }

  // ---- item 4: nothing stays linked on the owner's context ----

  @Test
  void servicesWhoseBodiesReturnLeaveNothingLinkedOnTheOwnersContext() throws Exception {
    CancellableContext owner = Context.background().withCancel();
    CancelNode node = (CancelNode) owner;
    for (int i = 0; i < 1_000; i++) {
      Service s = Service.start(owner, "once-" + i, c -> {});
      assertThat(s.await()).isEqualTo(Service.State.TERMINATED);
    }
    // Each service's scope leaves the registry as its body's task ends; wait for the last one.
    Bounded.until(
        "every service gone from the registry",
        () -> Tasks.snapshot().stream().noneMatch(i -> i.path().startsWith("once-")));
    assertThat(node.linkedCount()).isZero();
    owner.cancel();
  }

  @Test
  void whatTheBodyLeftRunningUnderItsContextIsCancelledWhenItReturns() throws Exception {
    CancellableContext owner = Context.background().withCancel();
    AtomicReference<Context> inner = new AtomicReference<>();
    Service s =
        Service.start(
            owner,
            "forgetful",
            c -> inner.set(c.withCancel())); // never cancelled by the body: Go's lost cancel
    assertThat(s.await()).isEqualTo(Service.State.TERMINATED);
    assertThat(inner.get().isDone()).isTrue();
    assertThat(((CancelNode) owner).linkedCount()).isZero();
    owner.cancel();
  }

  // ---- item 7: readiness through a handle ----

  @Test
  void aBodyHandedItsReadySignalMayGiveItToATaskItSpawned() throws Exception {
    Service s =
        Service.startReady(
            Context.background(),
            "handed",
            Bounded.HANG,
            (c, ready) -> {
              try (Scope helpers = Scope.open(c, "helpers")) {
                helpers.go("binder", x -> ready.run()); // signalled from another thread
                helpers.join();
              }
              ready.run(); // idempotent
              c.await();
            });
    assertThat(s.state()).isEqualTo(Service.State.RUNNING);
    assertThat(s.stop(Bounded.HANG).clean()).isTrue();
    assertThat(s.state()).isEqualTo(Service.State.TERMINATED);
  }

  @Test
  void aHandedBodyThatReturnsBeforeItIsReadyIsReported() {
    assertThatThrownBy(() ->
            Service.startReady(Context.background(), "never-ready", Bounded.HANG, (c, ready) -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("service 'never-ready' ended (TERMINATED) before it signalled");
  }
}
