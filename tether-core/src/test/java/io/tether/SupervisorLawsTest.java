package io.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.Supervisor.Child;
import io.tether.Supervisor.Restart;
import io.tether.testing.Bounded;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Supervisor keeps the laws (issue 12): a bounded stop cancels and names every child, a crash loop
 * keeps constant memory, failures while stopping reach the owner, an interrupted stop keeps them.
 */
class SupervisorLawsTest {

  private final Map<String, Context> contexts = new ConcurrentHashMap<>();
  private final List<String> log = new CopyOnWriteArrayList<>();

  /** A child that ignores its stop until {@code release} opens; its context is kept. */
  private Child stubborn(String name, CountDownLatch release) {
    return Child.of(
            name,
            Restart.PERMANENT,
            c -> {
              contexts.put(name, c);
              Service.ready(c);
              while (release.getCount() > 0) {
                try {
                  release.await();
                } catch (InterruptedException ignored) {
                  // ignores its stop
                }
              }
            })
        .withStopTimeout(Bounded.HANG) // its own bound is long: only the stop's bound can cut it
        .withReadySignal();
  }

  /** A child that runs until stopped and logs the stop. */
  private Child steady(String name) {
    return Child.of(
            name,
            Restart.PERMANENT,
            c -> {
              contexts.put(name, c);
              Service.ready(c);
              c.await();
              log.add("stop " + name);
            })
        .withReadySignal();
  }

  // ---- item 1: stop(d) cancels every child, names every one alive ----

  @Test
  void aBoundedStopCancelsEveryChildAndNamesEachOneStillAliveWithItsStack() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Supervisor sup =
        Supervisor.builder("sup")
            .child(stubborn("a", release))
            .child(stubborn("b", release))
            .start(Context.background());
    StopReport r = sup.stop(Duration.ofMillis(100));
    // It returned within its own bound, not after a child's (20 s each).
    assertThat(r.elapsed()).isLessThan(Bounded.HANG.dividedBy(2));
    assertThat(contexts.get("a").isDone()).as("a cancelled").isTrue();
    assertThat(contexts.get("b").isDone()).as("b cancelled").isTrue();
    assertThat(r.stragglers())
        .extracting(TaskInfo::path)
        .contains("sup/a/run", "sup/b/run")
        .doesNotHaveDuplicates();
    assertThat(r.stragglers())
        .filteredOn(t -> t.path().equals("sup/a/run") || t.path().equals("sup/b/run"))
        .allSatisfy(t ->
            assertThat(t.stack())
                .anySatisfy(f -> assertThat(f.getClassName()).contains("SupervisorLawsTest")));
    assertThat(r.toString()).contains("straggler: task #").contains("sup/a/run");
    // Stragglers stay visible until they end.
    assertThat(Tasks.snapshot()).extracting(TaskInfo::path).contains("sup/a/run", "sup/b/run");
    release.countDown();
    Bounded.until(
        "children ended",
        () -> Tasks.snapshot().stream().noneMatch(i -> i.path().startsWith("sup")));
    sup.close();
  }

  @Test
  void closeNamesEveryChildThatOutlivedItsStop() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Supervisor sup =
        Supervisor.builder("sup-close")
            .child(stubborn("a", release).withStopTimeout(Duration.ofMillis(20)))
            .child(stubborn("b", release).withStopTimeout(Duration.ofMillis(20)))
            .start(Context.background());
    assertThatThrownBy(sup::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("supervisor 'sup-close' did not stop")
        .hasMessageContaining("sup-close/a/run")
        .hasMessageContaining("sup-close/b/run");
    assertThat(contexts.get("a").isDone()).isTrue();
    assertThat(contexts.get("b").isDone()).isTrue();
    release.countDown();
    Bounded.until(
        "children ended",
        () -> Tasks.snapshot().stream().noneMatch(i -> i.path().startsWith("sup-close")));
    sup.close();
  }

  @Test
  void theOwnersCancelReachesEveryChild() throws Exception {
    CancellableContext owner = Context.background().withCancel();
    Supervisor sup = Supervisor.builder("owned").child(steady("a")).child(steady("b")).start(owner);
    owner.cancel();
    assertThat(sup.await()).isEqualTo(Service.State.TERMINATED);
    assertThat(contexts.get("a").isDone()).isTrue();
    assertThat(contexts.get("b").isDone()).isTrue();
    assertThat(log).containsExactlyInAnyOrder("stop a", "stop b");
    assertThat(sup.childState("a")).isEqualTo(Service.State.TERMINATED);
    sup.close();
  }

  @Test
  void anExplicitStopStopsChildrenLastStartedFirst() throws Exception {
    Supervisor sup =
        Supervisor.builder("ordered")
            .child(steady("a"))
            .child(steady("b"))
            .child(steady("c"))
            .start(Context.background());
    assertThat(sup.stop(Bounded.HANG).clean()).isTrue();
    assertThat(log).containsExactly("stop c", "stop b", "stop a");
  }

  // ---- item 2: a crash loop keeps constant memory ----

  @Test
  void aCrashLoopKeepsABoundedHistoryAndCountsTheRest() throws Exception {
    int crashes = 5_000;
    CountDownLatch crashed = new CountDownLatch(crashes);
    Supervisor sup =
        Supervisor.builder("crash-loop")
            .intensity(100_000, Duration.ofDays(1))
            .backoff(Duration.ZERO, Duration.ZERO)
            .child(
                "flaky",
                Restart.PERMANENT,
                c -> {
                  crashed.countDown();
                  throw new IOException("crash");
                })
            .start(Context.background());
    Bounded.await(crashed);
    Bounded.until("ends counted", () -> sup.endsHandled() >= crashes - 1);
    assertThat(sup.restarts()).hasSizeLessThanOrEqualTo(Supervisor.HISTORY_KEPT);
    assertThat(sup.restartsMade()).isGreaterThanOrEqualTo(crashes - 1);
    TaskInfo self =
        Tasks.snapshot().stream()
            .filter(i -> i.path().equals("crash-loop"))
            .findFirst()
            .orElseThrow();
    assertThat(self.history()).hasSizeLessThanOrEqualTo(21);
    assertThat(self.history().get(0)).contains("earlier end(s) not shown").contains("restarted");
    sup.stop(Bounded.HANG);
    assertThat(sup.toString()).contains("ends handled");
  }

  // ---- item 5: a child's failure while stopping reaches the owner ----

  @Test
  void aChildThatFailsWhileStoppingIsInTheReportAndCloseThrowsIt() throws Exception {
    Supervisor sup =
        Supervisor.builder("flushes")
            .child(
                Child.of(
                        "writer",
                        Restart.PERMANENT,
                        c -> {
                          Service.ready(c);
                          c.await();
                          throw new IOException("flush failed while stopping");
                        })
                    .withReadySignal())
            .start(Context.background());
    StopReport r = sup.stop(Bounded.HANG);
    assertThat(r.stragglers()).isEmpty();
    assertThat(r.failures())
        .singleElement()
        .satisfies(f -> assertThat(f).hasMessage("flush failed while stopping"));
    assertThat(sup.childState("writer")).isEqualTo(Service.State.FAILED);

    Supervisor again =
        Supervisor.builder("flushes-2")
            .child(
                Child.of(
                        "writer",
                        Restart.PERMANENT,
                        c -> {
                          Service.ready(c);
                          c.await();
                          throw new IOException("flush failed while stopping");
                        })
                    .withReadySignal())
            .start(Context.background());
    assertThatThrownBy(again::close)
        .isInstanceOf(TaskFailedException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  // ---- item 6: an interrupted stop keeps the report ----

  @Test
  void anInterruptedStopStillReportsTheChildsFailure() throws Exception {
    CountDownLatch sawCancel = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    Supervisor sup =
        Supervisor.builder("slow-flush")
            .child(
                Child.of(
                        "writer",
                        Restart.PERMANENT,
                        c -> {
                          Service.ready(c);
                          c.await(); // woken by the cancel itself: not interrupted
                          sawCancel.countDown();
                          proceed.await();
                          throw new IOException("flush failed while stopping");
                        })
                    .withReadySignal())
            .start(Context.background());
    AtomicReference<StopReport> report = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    // The cancel must find the writer parked in c.await(): a cancel that comes while a thread is
    // still entering a wait interrupts it as well (never skipped unless the cancel ended the wait).
    Bounded.until(
        "writer parked in ctx.await",
        () ->
            Tasks.snapshot().stream()
                .anyMatch(i -> i.path().contains("writer") && "ctx.await".equals(i.waitReason())));
    Thread stopper =
        Thread.ofVirtual()
            .start(() -> {
              Thread.currentThread().interrupt();
              report.set(sup.stop(Bounded.HANG));
              interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
    Bounded.await(sawCancel);
    stopper.interrupt();
    proceed.countDown();
    Bounded.join(stopper);
    assertThat(interruptedAfter).isTrue();
    assertThat(report.get().stragglers()).isEmpty();
    assertThat(report.get().failures())
        .singleElement()
        .satisfies(f -> assertThat(f).hasMessage("flush failed while stopping"));
  }

  @Test
  void aStartInterruptedBeforeTheChildrenAreUpCarriesTheStopsReport() throws Exception {
    CountDownLatch sawCancel = new CountDownLatch(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread starter =
        Thread.ofVirtual()
            .start(() -> {
              try {
                Supervisor.builder("never-up")
                    .child(
                        Child.of(
                                "slow-init",
                                Restart.PERMANENT,
                                c -> {
                                  c.await(); // never signals ready; fails as it is stopped
                                  sawCancel.countDown();
                                  throw new IOException("init aborted badly");
                                })
                            .withReadySignal())
                    .start(Context.background());
              } catch (RuntimeException e) {
                thrown.set(e);
              }
            });
    Bounded.until(
        "slow-init waiting",
        () ->
            Tasks.snapshot().stream()
                .anyMatch(i ->
                    i.path().equals("never-up/slow-init/run")
                        && "ctx.await".equals(i.waitReason())));
    starter.interrupt();
    Bounded.join(starter);
    assertThat(thrown.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("supervisor 'never-up': interrupted while starting");
    assertThat(thrown.get().getSuppressed())
        .singleElement()
        .satisfies(f -> assertThat(f).hasMessage("init aborted badly"));
  }
}
