package io.tether.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The virtual threads of one operation of a {@code Channel*Bench} benchmark: started inside the
 * operation, and all joined before it returns, so that no thread outlives the operation (nor, a
 * fortiori, an iteration or a fork). Shared by every peer of every channel scenario, so that all
 * are driven the same way.
 *
 * <p>An operation transfers a fixed number of values (tens of thousands), so starting and joining
 * its one to eight threads costs a few microseconds against milliseconds of transfer: well under 1
 * % of the score, and the same for every peer.
 *
 * <p>Every sender sends and every receiver receives an exact number of values, so no peer needs a
 * close or a poison pill, and all peers do the same work. A lost value would leave a receiver
 * blocked: {@link #run} then gives up after {@link #TIMEOUT}, interrupts the crew and fails the
 * run; a duplicated, reordered or foreign value fails the checks in the benchmarks themselves.
 */
final class ChannelCrew {

  /** Body of one thread of the crew. */
  interface Body {
    void run() throws Exception;
  }

  /**
   * A send of whichever peer ({@code ch::send}, {@code q::put}, {@code q::transfer}). Every driver
   * below takes its peer's operations as method references: each benchmark method runs in forks of
   * its own, so each reference is monomorphic there and inlined, and the indirection costs the same
   * for every peer.
   */
  interface Sender {
    void send(Integer v) throws InterruptedException;
  }

  /** A receive of whichever peer ({@code ch::receive}, {@code q::take}). */
  interface Receiver {
    Integer receive() throws InterruptedException;
  }

  /** The values sent: {@code BOXES[i]} holds {@code i + 1}. Preallocated: no boxing per send. */
  static final Integer[] BOXES = new Integer[100_000];

  static {
    for (int i = 0; i < BOXES.length; i++) {
      BOXES[i] = i + 1;
    }
  }

  /** How long an operation may take before it is taken to be stuck (a lost value). */
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Crew threads whose body has not ended yet, over all operations. */
  private static final AtomicInteger LIVE = new AtomicInteger();

  private final Thread[] threads;
  private int started;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  ChannelCrew(int size) {
    threads = new Thread[size];
  }

  /** Starts {@code body} on a new virtual thread. */
  void start(Body body) {
    LIVE.incrementAndGet();
    threads[started++] =
        Thread.ofVirtual()
            .start(() -> {
              try {
                body.run();
              } catch (Throwable t) {
                failure.compareAndSet(null, t);
              } finally {
                LIVE.decrementAndGet();
              }
            });
  }

  /**
   * Runs {@code mine} on the calling thread (the JMH worker), then waits for every started thread
   * to end. Throws if any part failed, or if the crew has not ended within {@link #TIMEOUT}; in
   * both cases the crew is interrupted and joined first, so that nothing is left running.
   */
  void run(Body mine) throws Exception {
    try {
      mine.run();
    } catch (Throwable t) {
      abort();
      throw t;
    }
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    for (int i = 0; i < started; i++) {
      long left = Math.max(1, deadline - System.nanoTime());
      if (!threads[i].join(Duration.ofNanos(left))) {
        abort();
        throw new IllegalStateException(
            "crew thread " + i + " still running after " + TIMEOUT + ": a value was lost",
            failure.get());
      }
    }
    Throwable f = failure.get();
    if (f != null) {
      throw new IllegalStateException("a crew thread failed", f);
    }
  }

  /** Runs the crew alone: the calling thread only waits. */
  void join() throws Exception {
    run(() -> {});
  }

  private void abort() throws InterruptedException {
    for (int i = 0; i < started; i++) {
      threads[i].interrupt();
    }
    for (int i = 0; i < started; i++) {
      if (!threads[i].join(TIMEOUT)) {
        throw new IllegalStateException("crew thread " + i + " ignores interruption");
      }
    }
  }

  /**
   * One operation of a one-way transfer: a fresh crew thread sends {@code BOXES[0..values)} with
   * {@code sender}; the calling thread (the JMH worker) receives as many with {@code receiver} and
   * checks each is the very object sent at that position (FIFO, no loss, no duplicate).
   */
  static void oneWay(int values, Sender sender, Receiver receiver) throws Exception {
    ChannelCrew crew = new ChannelCrew(1);
    crew.start(() -> {
      for (int i = 0; i < values; i++) {
        sender.send(BOXES[i]);
      }
    });
    crew.run(() -> {
      for (int i = 0; i < values; i++) {
        expectSame(BOXES[i], receiver.receive());
      }
    });
  }

  /** Fails unless {@code got} is the very object {@code expected}. */
  static void expectSame(Object expected, Object got) {
    if (got != expected) {
      throw new IllegalStateException("expected value " + expected + ", got " + got);
    }
  }

  /** For trial setups: fails unless the JMH worker, which runs the measured loop, is virtual. */
  static void checkVirtualDriver() {
    if (!Thread.currentThread().isVirtual()) {
      throw new IllegalStateException(
          "the benchmark thread is not virtual: run the fork with "
              + ScopeSpawnBench.VIRTUAL_DRIVER);
    }
  }

  /** For iteration teardowns: fails if a crew thread of an earlier operation is still running. */
  static void checkNoneLive() {
    int live = LIVE.get();
    if (live != 0) {
      throw new IllegalStateException(live + " crew threads still running after the iteration");
    }
  }
}
