package io.tether.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.CancellableContext;
import io.tether.Channel;
import io.tether.Context;
import io.tether.Scope;
import io.tether.Select;
import io.tether.Ticker;
import io.tether.testing.Bounded;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each leak shape: a leaky snippet, with Tether primitives and with raw JDK ones, that the check
 * must find and name; and its fixed twin, which must pass. Every leaky snippet is released after
 * the check so the suite's own leak check stays clean.
 */
class ShapesTest {
  /** Leaky snippets are found after this window; their twins end well within it. */
  private static final LeakOptions SHORT = LeakOptions.defaults().settle(Duration.ofMillis(200));

  private final CancellableContext ctx = Context.background().withCancel();

  private final List<Scope> leftOpen = new java.util.ArrayList<>();

  /** A scope a leaky snippet leaves open; closed after the test even if it fails. */
  private Scope leftOpen(Scope scope) {
    leftOpen.add(scope);
    return scope;
  }

  @AfterEach
  void releaseLeftovers() throws Exception {
    ctx.cancel(); // wakes every Tether wait left by a leaky snippet
    for (Scope s : leftOpen) {
      s.close();
    }
  }

  private static Leak only(List<Leak> leaks, String name) {
    List<Leak> named = leaks.stream().filter(l -> l.name().equals(name)).toList();
    assertThat(named).as("leaks named %s in %s", name, leaks).hasSize(1);
    return named.get(0);
  }

  // ---- SEND_BLOCKED ----

  @Test
  void sendOnAChannelNobodyReads() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Channel<Integer> results = Channel.unbuffered("results");
    Scope scope = leftOpen(Scope.open(ctx, "search"));
    scope.go("producer", c -> results.send(42));
    Parks.untilTaskWaits("producer", "chan send");

    Leak leak = only(baseline.find(), "producer");
    assertThat(leak.pattern()).isEqualTo(LeakPattern.SEND_BLOCKED);
    assertThat(leak.kind()).isEqualTo("task");
    assertThat(leak.ownerPath()).isEqualTo("search");
    assertThat(leak.spawnSite().getMethodName()).isEqualTo("sendOnAChannelNobodyReads");
    assertThat(leak.parkedOn()).contains("chan send").contains("results");
    assertThat(leak.waitingFor()).isNotNull();
    assertThat(leak.fix()).contains("buffer");
  }

  @Test
  void sendOnABufferedChannelDoesNotLeak() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Channel<Integer> results = Channel.buffered("results", 1); // one slot per sender
    try (Scope scope = Scope.open(ctx, "search")) {
      scope.go("producer", c -> results.send(42));
    }
    baseline.verifyNone();
  }

  @Test
  void putOnASynchronousQueueNobodyTakes() {
    Baseline baseline = Leaks.snapshot(SHORT);
    SynchronousQueue<String> handoff = new SynchronousQueue<>();
    Thread t = Thread.ofVirtual().name("raw-sender").start(() -> put(handoff, "x"));
    Parks.untilParked(t);

    Leak leak = only(baseline.find(), "raw-sender");
    assertThat(leak.pattern()).isEqualTo(LeakPattern.SEND_BLOCKED);
    assertThat(leak.kind()).isEqualTo("virtual thread");
    assertThat(leak.parkedOn()).startsWith("SynchronousQueue.put");
    assertThat(leak.description())
        .startsWith("virtual thread 'raw-sender' parked in SynchronousQueue.put")
        .contains("(there at every look for ");
    assertThat(leak.ownerPath()).isNull();
    assertThat(Diagnosis.userFrame(leak.stack()).getClassName()).startsWith(getClass().getName());
    handoff.poll();
    Bounded.join(t);
  }

  @Test
  void putWithATakerDoesNotLeak() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    SynchronousQueue<String> handoff = new SynchronousQueue<>();
    Thread t = Thread.ofVirtual().name("raw-sender").start(() -> put(handoff, "x"));
    assertThat(handoff.take()).isEqualTo("x");
    Bounded.join(t);
    baseline.verifyNone();
  }

  // ---- RECEIVE_BLOCKED ----

  @Test
  void receiveFromAChannelNobodyCloses() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Channel<String> jobs = Channel.unbuffered("jobs");
    Scope scope = leftOpen(Scope.open(ctx, "pool"));
    scope.go(
        "worker",
        c -> {
          for (String job : jobs) {
            assertThat(job).isNotNull();
          }
        });
    Parks.untilTaskWaits("worker", "chan receive");

    Leak leak = only(baseline.find(), "worker");
    assertThat(leak.pattern()).isEqualTo(LeakPattern.RECEIVE_BLOCKED);
    assertThat(leak.fix()).contains("close the channel");
  }

  @Test
  void closingTheChannelEndsTheReceiver() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Channel<String> jobs = Channel.unbuffered("jobs");
    try (Scope scope = Scope.open(ctx, "pool")) {
      scope.go(
          "worker",
          c -> {
            for (String job : jobs) {
              assertThat(job).isNotNull();
            }
          });
      jobs.send("one");
      jobs.close(); // the sender side closes when done
    }
    baseline.verifyNone();
  }

  @Test
  void selectOnlyReceivingIsReceiveBlocked() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Channel<String> a = Channel.unbuffered("a");
    Channel<String> b = Channel.unbuffered("b");
    Scope scope = leftOpen(Scope.open(ctx, "fan-in"));
    scope.go("merger", c -> Select.select(a.onReceive(v -> v), b.onReceive(v -> v)));
    Parks.untilTaskWaits("merger", "select");

    assertThat(only(baseline.find(), "merger").pattern()).isEqualTo(LeakPattern.RECEIVE_BLOCKED);
  }

  @Test
  void takeFromABlockingQueueNobodyFeeds() {
    Baseline baseline = Leaks.snapshot(SHORT);
    LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    Thread t = Thread.ofPlatform().daemon().name("raw-receiver").start(() -> take(queue));
    Parks.untilParked(t);

    Leak leak = only(baseline.find(), "raw-receiver");
    assertThat(leak.pattern()).isEqualTo(LeakPattern.RECEIVE_BLOCKED);
    assertThat(leak.kind()).isEqualTo("platform thread");
    assertThat(leak.parkedOn()).startsWith("LinkedBlockingQueue.take");
    queue.add("done");
    Bounded.join(t);
  }

  @Test
  void takeThatGetsItsValueDoesNotLeak() {
    Baseline baseline = Leaks.snapshot(SHORT);
    LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    queue.add("done");
    Thread t = Thread.ofVirtual().name("raw-receiver").start(() -> take(queue));
    Bounded.join(t);
    baseline.verifyNone();
  }

  // ---- BUSY_LOOP ----

  @Test
  void aLoopWithNoCancellationCheck() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    AtomicBoolean stop = new AtomicBoolean();
    Scope scope = leftOpen(Scope.open(ctx, "poller"));
    scope.go("spinner", c -> spin(stop));
    Thread raw = Thread.ofVirtual().name("raw-spinner").start(() -> spin(stop));
    try {
      List<Leak> leaks = baseline.find();
      assertThat(only(leaks, "spinner").pattern()).isEqualTo(LeakPattern.BUSY_LOOP);
      assertThat(only(leaks, "raw-spinner").pattern()).isEqualTo(LeakPattern.BUSY_LOOP);
      assertThat(only(leaks, "raw-spinner").description()).contains("never parked");
    } finally {
      stop.set(true); // a failed assertion must not leave the spinners (and the close) hanging
      Bounded.join(raw);
    }
  }

  @Test
  void aLoopThatChecksItsContextEnds() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    try (Scope scope = Scope.open(ctx, "poller")) {
      scope.go(
          "spinner",
          c -> {
            while (!c.isDone()) {
              Thread.onSpinWait();
            }
          });
    } // close() cancels, the loop sees it and returns
    baseline.verifyNone();
  }

  // ---- LOCK_WAIT ----

  @Test
  void waitingForALockSomebodyKeeps() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    ReentrantLock lock = new ReentrantLock();
    Object monitor = new Object();
    Thread lockWaiter;
    Thread monitorWaiter;
    lock.lock();
    try {
      synchronized (monitor) {
        lockWaiter =
            Thread.ofVirtual()
                .name("raw-locker")
                .start(() -> {
                  lock.lock();
                  lock.unlock();
                });
        monitorWaiter =
            Thread.ofPlatform()
                .daemon()
                .name("raw-synchronized")
                .start(() -> {
                  synchronized (monitor) {
                    monitor.notifyAll();
                  }
                });
        Parks.untilParked(lockWaiter);
        Parks.untilBlocked(monitorWaiter);

        List<Leak> leaks = baseline.find();
        assertThat(only(leaks, "raw-locker").pattern()).isEqualTo(LeakPattern.LOCK_WAIT);
        assertThat(only(leaks, "raw-locker").parkedOn()).startsWith("ReentrantLock.lock");
        Leak sync = only(leaks, "raw-synchronized");
        assertThat(sync.pattern()).isEqualTo(LeakPattern.LOCK_WAIT);
        assertThat(sync.description()).contains("blocked in synchronized");
        assertThat(sync.fix()).contains("do not hold a lock");
      }
    } finally {
      lock.unlock();
    }
    Bounded.join(lockWaiter);
    Bounded.join(monitorWaiter);
  }

  @Test
  void aTaskWaitingForALockIsLockWait() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    ReentrantLock lock = new ReentrantLock();
    lock.lock();
    Scope scope = leftOpen(Scope.open(ctx, "cache"));
    try {
      scope.go(
          "loader",
          c -> {
            lock.lockInterruptibly();
            lock.unlock();
          });
      Parks.untilTaskWaits("loader", "parked");
      assertThat(only(baseline.find(), "loader").pattern()).isEqualTo(LeakPattern.LOCK_WAIT);
    } finally {
      lock.unlock();
    }
  }

  @Test
  void aLockReleasedInFinallyDoesNotLeak() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    ReentrantLock lock = new ReentrantLock();
    Thread t;
    lock.lock();
    try {
      t =
          Thread.ofVirtual()
              .start(() -> {
                lock.lock();
                lock.unlock();
              });
    } finally {
      lock.unlock();
    }
    Bounded.join(t);
    baseline.verifyNone();
  }

  // ---- TICKER_NOT_STOPPED ----

  @Test
  void aTickerNobodyStops() {
    Baseline baseline = Leaks.snapshot(SHORT);
    Ticker ticker = Ticker.start(ctx, Duration.ofHours(1));

    List<Leak> leaks = baseline.find();
    assertThat(leaks).hasSize(1);
    Leak leak = leaks.get(0);
    assertThat(leak.pattern()).isEqualTo(LeakPattern.TICKER_NOT_STOPPED);
    assertThat(leak.kind()).isEqualTo("ticker");
    assertThat(leak.description()).endsWith("still ticking every PT1H, never stopped");
    assertThat(leak.spawnSite().getMethodName()).isEqualTo("aTickerNobodyStops");
    assertThat(leak.fix()).contains("try-with-resources");
    ticker.stop();
  }

  @Test
  void aTickerInTryWithResourcesDoesNotLeak() {
    Baseline baseline = Leaks.snapshot(SHORT);
    try (Ticker ticker = Ticker.start(ctx, Duration.ofHours(1))) {
      assertThat(ticker.isStopped()).isFalse();
    }
    baseline.verifyNone();
  }

  @Test
  void aScheduledExecutorNobodyShutsDown() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "raw-scheduler"));
    CountDownLatch started = new CountDownLatch(1);
    timer.scheduleAtFixedRate(started::countDown, 0, 1, TimeUnit.HOURS);
    Bounded.await(started);

    Leak leak = only(baseline.find(), "raw-scheduler");
    assertThat(leak.pattern()).isEqualTo(LeakPattern.TICKER_NOT_STOPPED);
    assertThat(leak.fix()).contains("shutdown()");
    timer.shutdownNow();
    assertThat(timer.awaitTermination(Bounded.HANG.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  @Test
  void aScheduledExecutorShutDownDoesNotLeak() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    CountDownLatch ticked = new CountDownLatch(1);
    timer.scheduleAtFixedRate(ticked::countDown, 0, 1, TimeUnit.HOURS);
    Bounded.await(ticked);
    timer.shutdownNow();
    assertThat(timer.awaitTermination(Bounded.HANG.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    baseline.verifyNone();
  }

  // ---- UNKNOWN, and the message ----

  @Test
  void anOpenScopeAndASleeperAreUnknown() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Scope scope = leftOpen(Scope.open(ctx, "forgotten"));
    CountDownLatch release = new CountDownLatch(1);
    Thread sleeper = Thread.ofVirtual().name("raw-sleeper").start(() -> await(release));
    Parks.untilParked(sleeper);

    List<Leak> leaks = baseline.find();
    assertThat(only(leaks, "forgotten").pattern()).isEqualTo(LeakPattern.UNKNOWN);
    assertThat(only(leaks, "forgotten").description()).contains("never closed");
    assertThat(only(leaks, "raw-sleeper").pattern()).isEqualTo(LeakPattern.UNKNOWN);
    assertThat(only(leaks, "raw-sleeper").parkedOn()).startsWith("CountDownLatch.await");
    release.countDown();
    Bounded.join(sleeper);
  }

  @Test
  void theMessageReadsLikeACompilerErrorAndGroupsAlikeLeaks() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Channel<Integer> out = Channel.unbuffered("out");
    Scope scope = leftOpen(Scope.open(ctx, "fan-out"));
    for (int i = 0; i < 5; i++) {
      int n = i;
      scope.go("sender-" + n, c -> out.send(n));
    }
    for (int i = 0; i < 5; i++) {
      Parks.untilTaskWaits("sender-" + i, "chan send");
    }

    assertThatThrownBy(baseline::verifyNone)
        .isInstanceOf(LeakError.class)
        .satisfies(e -> assertThat(((LeakError) e).leaks()).hasSize(5))
        .hasMessageStartingWith("5 leaks in 1 group still running")
        .hasMessageContaining("SEND_BLOCKED x5: task 'sender-")
        .hasMessageContaining("owner:       fan-out\n")
        .hasMessageContaining("root cause:  scope 'fan-out', opened at ")
        .hasMessageContaining("spawned at:  io.tether.junit.ShapesTest.theMessage")
        .hasMessageContaining("waiting at:  io.tether.junit.ShapesTest.lambda$theMessage")
        .hasMessageContaining("fix:         close scope 'fan-out'")
        .hasMessageContaining("buffer the channel by the number of senders")
        .hasMessageContaining("also:        sender-")
        .hasMessageContaining("chan send on Channel[out, unbuffered, open] for ");
  }

  // ---- helpers: raw JDK bodies ----

  private static void put(SynchronousQueue<String> q, String v) {
    try {
      q.put(v);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void take(LinkedBlockingQueue<String> q) {
    try {
      q.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void spin(AtomicBoolean stop) {
    long n = 0;
    while (!stop.get()) {
      n++;
    }
    if (n < 0) {
      throw new AssertionError("unreachable");
    }
  }
}
