package io.tether.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.CancellableContext;
import io.tether.Channel;
import io.tether.Context;
import io.tether.LeakShapes;
import io.tether.Scope;
import io.tether.Task;
import io.tether.TaskEvents;
import io.tether.TaskInfo;
import io.tether.TaskListener;
import io.tether.Tasks;
import io.tether.testing.Bounded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The watchdog's verdicts, driven by hand: a hand-moved clock for the threshold and the rates, and
 * {@link LeakWatchdog#look()} called directly (the periodic looks are an hour apart here). Each
 * leak is parked first (polled from the registry, bounded), then looked at.
 */
class LeakWatchdogTest {
  static final Duration THRESHOLD = Duration.ofSeconds(10);

  final AtomicLong clock = new AtomicLong(1_000_000_000L);

  LeakWatchdog.Options manual() {
    return LeakWatchdog.Options.defaults()
        .period(Duration.ofHours(1))
        .threshold(THRESHOLD)
        .growthWindows(3)
        .clock(clock::get);
  }

  void pass(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  /** A channel made on a thread that has ended (joined): its creator is gone. */
  static <T> Channel<T> orphanChannel(String name) throws InterruptedException {
    AtomicReference<Channel<T>> ch = new AtomicReference<>();
    Thread maker = Thread.ofVirtual().start(() -> ch.set(Channel.unbuffered(name)));
    Bounded.join(maker);
    return ch.get();
  }

  static void parkedIn(Task<?> task, String reason) {
    Bounded.until(
        task.name() + " parked in " + reason,
        () ->
            Tasks.snapshot().stream()
                .anyMatch(i -> i.id() == task.id() && reason.equals(i.waitReason())));
  }

  @Test
  void aReceiveNobodyCanSendToIsReportedOnceAfterTheThreshold() throws Exception {
    Channel<String> orphan = orphanChannel("orphan");
    try (Scope s = Scope.open(Context.background(), "app");
        LeakWatchdog dog = LeakWatchdog.start(Context.background(), manual())) {
      Task<String> consumer = s.spawn("consumer", c -> orphan.receive());
      parkedIn(consumer, "chan receive");
      assertThat(dog.look()).as("first sight").isEmpty();
      pass(THRESHOLD.minusMillis(1));
      assertThat(dog.look()).as("not yet past the threshold").isEmpty();
      pass(Duration.ofMillis(1));
      List<LeakWatchdog.Report> r = dog.look();
      assertThat(r).hasSize(1);
      LeakWatchdog.Report leak = r.get(0);
      assertThat(leak.kind()).isEqualTo(LeakWatchdog.Kind.STUCK_WAIT);
      assertThat(leak.shape()).isEqualTo(LeakShapes.Shape.RECEIVE_BLOCKED);
      assertThat(leak.task().name()).isEqualTo("consumer");
      assertThat(leak.description())
          .contains("task 'consumer' (app/consumer) parked in chan receive on Channel[orphan")
          .contains("for at least 10.0 s")
          .contains("spawned at " + LeakWatchdogTest.class.getName());
      assertThat(leak.fix())
          .isEqualTo(
              "nobody sends to or closes Channel[orphan, unbuffered, open]: "
                  + LeakShapes.Shape.RECEIVE_BLOCKED.fix());
      pass(THRESHOLD);
      assertThat(dog.look()).as("reported once per wait").isEmpty();
      assertThat(dog.reports()).containsExactly(leak);
    }
  }

  @Test
  void aSendWhoseReceiversEndedIsReported() throws Exception {
    Channel<Integer> ch = orphanChannel("results");
    Thread receiver = Thread.ofVirtual().start(() -> ch.tryReceive()); // never blocks
    Bounded.join(receiver);
    try (Scope s = Scope.open(Context.background(), "app");
        LeakWatchdog dog = LeakWatchdog.start(Context.background(), manual())) {
      CountDownLatch took = new CountDownLatch(1);
      Thread once =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  ch.receive(); // the one receive that ever happens, then this thread ends
                  took.countDown();
                } catch (InterruptedException e) {
                  throw new AssertionError(e);
                }
              });
      Task<Void> sender =
          s.go(
              "sender",
              c -> {
                ch.send(1);
                ch.send(2); // the receiver is gone
              });
      Bounded.await(took);
      Bounded.join(once);
      parkedIn(sender, "chan send");
      assertThat(dog.look()).isEmpty();
      pass(THRESHOLD);
      List<LeakWatchdog.Report> r = dog.look();
      assertThat(r)
          .singleElement()
          .satisfies(l -> {
            assertThat(l.shape()).isEqualTo(LeakShapes.Shape.SEND_BLOCKED);
            assertThat(l.description()).contains("last receiver have ended");
            assertThat(l.fix())
                .startsWith("nobody receives from Channel[results, unbuffered, open]");
          });
    }
  }

  @Test
  void anAwaitOnAContextNothingCanCancelIsReportedAndCancellableOnesAreNot() throws Exception {
    try (Scope s = Scope.open(Context.background(), "app");
        LeakWatchdog dog = LeakWatchdog.start(Context.background(), manual())) {
      Task<Void> forever = s.go("forever", c -> Context.background().withoutCancel().await());
      Task<Void> own = s.go("own", c -> c.await()); // its scope cancels it: not provable
      Task<Void> timed = s.go("timed", c -> Context.background().await(Duration.ofHours(1)));
      parkedIn(forever, "ctx.await");
      parkedIn(own, "ctx.await");
      parkedIn(timed, "ctx.await");
      assertThat(dog.look()).isEmpty();
      pass(THRESHOLD.multipliedBy(100));
      List<LeakWatchdog.Report> r = dog.look();
      assertThat(r)
          .singleElement()
          .satisfies(l -> {
            assertThat(l.task().name()).isEqualTo("forever");
            assertThat(l.shape()).isEqualTo(LeakShapes.Shape.UNKNOWN);
            assertThat(l.description()).contains("nothing can cancel that context");
            assertThat(l.fix()).startsWith("nothing can cancel ").contains("await(Duration)");
          });
    }
  }

  @Test
  void aChannelWhoseCreatorOrLastSenderLivesOrWhoseCreatorWaitsIsNotReported() throws Exception {
    Channel<String> mine = Channel.unbuffered("mine"); // the test thread made it, and lives
    Channel<String> fed = orphanChannel("fed");
    try (Scope s = Scope.open(Context.background(), "app");
        LeakWatchdog dog = LeakWatchdog.start(Context.background(), manual())) {
      Task<String> a = s.spawn("a", c -> mine.receive());
      Task<Void> producer =
          s.go(
              "producer",
              c -> {
                fed.send("one");
                c.await(); // alive, could send again
              });
      Task<String> b =
          s.spawn(
              "b",
              c -> {
                fed.receive();
                return fed.receive();
              });
      Task<String> own = s.spawn("own", c -> Channel.<String>unbuffered("own").receive());
      parkedIn(a, "chan receive");
      parkedIn(own, "chan receive");
      parkedIn(producer, "ctx.await");
      parkedIn(b, "chan receive");
      dog.look();
      pass(THRESHOLD.multipliedBy(100));
      assertThat(dog.look()).isEmpty();
    }
  }

  @Test
  void aBusyHealthyWorkerPoolYieldsNoReportOverManyWindows() throws Exception {
    Channel<Integer> jobs = orphanChannel("jobs"); // even with its creator gone
    AtomicLong done = new AtomicLong();
    try (Scope s = Scope.open(Context.background(), "pool");
        LeakWatchdog dog = LeakWatchdog.start(Context.background(), manual())) {
      for (int w = 0; w < 4; w++) {
        s.go(
            "worker-" + w,
            c -> {
              while (true) {
                jobs.receive(c);
                done.incrementAndGet();
              }
            });
      }
      for (int p = 0; p < 2; p++) {
        s.go(
            "producer-" + p,
            c -> {
              for (int i = 0; ; i++) {
                jobs.send(c, i);
              }
            });
      }
      List<LeakWatchdog.Report> all = new ArrayList<>();
      for (int window = 0; window < 30; window++) {
        long before = done.get();
        Bounded.until("progress", () -> done.get() > before + 100);
        all.addAll(dog.look());
        pass(THRESHOLD.multipliedBy(2));
      }
      assertThat(all).isEmpty();
      assertThat(dog.reports()).isEmpty();
    }
  }

  @Test
  void growthOverKLooksIsReportedWithRateAndOldestAndAPauseResetsIt() throws Exception {
    try (Scope s = Scope.open(Context.background(), "app");
        LeakWatchdog dog = LeakWatchdog.start(Context.background(), manual())) {
      List<Task<Void>> leaked = new ArrayList<>();
      dog.look(); // no site yet
      leaked.add(spawnParked(s, 0));
      dog.look(); // the site's first count: 1
      for (int i = 1; i <= 2; i++) {
        pass(Duration.ofMinutes(1));
        leaked.add(spawnParked(s, i));
        assertThat(dog.look()).as("rise " + i + " of 3").isEmpty();
      }
      pass(Duration.ofMinutes(1));
      leaked.add(spawnParked(s, 3));
      List<LeakWatchdog.Report> r = dog.look();
      assertThat(r)
          .singleElement()
          .satisfies(l -> {
            assertThat(l.kind()).isEqualTo(LeakWatchdog.Kind.GROWTH);
            assertThat(l.task().name()).isEqualTo("leak-0");
            assertThat(l.description())
                .contains("growth: 4 live tasks spawned at ")
                .contains("up from 1 over 3 looks in a row (1.0 per minute)")
                .contains("oldest: task #");
          });
      pass(Duration.ofMinutes(1));
      leaked.add(spawnParked(s, 4));
      assertThat(dog.look()).as("once per rising run").isEmpty();
      pass(Duration.ofMinutes(1));
      assertThat(dog.look()).as("a pause ends the run").isEmpty();
      for (int i = 5; i < 7; i++) {
        pass(Duration.ofMinutes(1));
        leaked.add(spawnParked(s, i));
        assertThat(dog.look()).as("a new run, rise " + (i - 4)).isEmpty();
      }
    }
  }

  @Test
  void aReportIsTheJfrEventLeakSuspected() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("watchdog", ".jfr");
    List<jdk.jfr.consumer.RecordedEvent> events;
    try (jdk.jfr.Recording rec = new jdk.jfr.Recording()) {
      rec.enable("io.tether.LeakSuspected");
      rec.start();
      try (Scope s = Scope.open(Context.background(), "jfr");
          LeakWatchdog dog = LeakWatchdog.start(Context.background(), manual())) {
        Task<Void> t = s.go("forever", c -> Context.background().await());
        parkedIn(t, "ctx.await");
        dog.look();
        pass(THRESHOLD);
        assertThat(dog.look()).hasSize(1);
      }
      rec.stop();
      rec.dump(file);
      events = jdk.jfr.consumer.RecordingFile.readAllEvents(file);
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
    assertThat(events)
        .filteredOn(e -> e.getEventType().getName().equals("io.tether.LeakSuspected"))
        .singleElement()
        .satisfies(e -> {
          assertThat(e.getString("shape")).isEqualTo("UNKNOWN");
          assertThat(e.getString("path")).isEqualTo("jfr/forever");
        });
  }

  private static Task<Void> spawnParked(Scope s, int i) {
    Task<Void> t = s.go("leak-" + i, c -> c.await());
    parkedIn(t, "ctx.await");
    return t;
  }

  @Test
  void theLoopReportsWithinThePeriodThroughTheHookAndStopsWithItsContext() throws Exception {
    CountDownLatch heard = new CountDownLatch(1);
    AtomicReference<String> shape = new AtomicReference<>();
    TaskListener l =
        new TaskListener() {
          @Override
          public void leakSuspected(TaskInfo task, String sh, String description) {
            if (task.name().equals("stuck")) {
              shape.set(sh);
              heard.countDown();
            }
          }
        };
    try (TaskEvents.Subscription sub = TaskEvents.subscribe(l);
        CancellableContext ctx = Context.background().withCancel();
        Scope s = Scope.open(Context.background(), "app")) {
      LeakWatchdog dog =
          LeakWatchdog.start(
              ctx,
              LeakWatchdog.Options.defaults()
                  .period(Duration.ofMillis(20))
                  .threshold(Duration.ofMillis(50)));
      assertThat(
              Tasks.snapshot().stream()
                  .anyMatch(i ->
                      i.kind() == TaskInfo.Kind.SERVICE && i.name().equals("tether-leak-watchdog")))
          .as("shown in the registry as a service")
          .isTrue();
      assertThat(LeakWatchdog.RUNNING).contains(dog);
      s.go("stuck", c -> Context.background().await());
      Bounded.await(heard);
      assertThat(shape.get()).isEqualTo("UNKNOWN");
      assertThat(dog.reports()).anySatisfy(r -> assertThat(r.task().name()).isEqualTo("stuck"));
      ctx.cancel();
      Bounded.until(
          "the watchdog stopped with its context", () -> !LeakWatchdog.RUNNING.contains(dog));
      dog.close(); // idempotent after the context stopped it
    }
  }
}
