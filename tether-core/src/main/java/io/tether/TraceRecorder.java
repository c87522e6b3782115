package io.tether;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The sink behind a {@link Trace.Recording}: appends each event to a ring buffer of fixed capacity,
 * overwriting the oldest when full (a flight recorder keeps the latest).
 *
 * <p>The ring is striped by thread: a thread always appends to the stripe its id hashes to, so
 * threads seldom contend on one counter, and each thread's events stay in order in one stripe. The
 * export merges the stripes by time.
 *
 * <p>Invariants, per stripe: {@code next} counts events ever appended to it; event {@code seq}
 * lives in slot {@code seq & mask} until event {@code seq + size} overwrites it. A writer takes its
 * {@code seq} by {@code getAndIncrement} and then stores the event (each slot has one writer per
 * lap), so a reader that stopped the recording at {@code end = next} may find, for a {@code seq <
 * end}, an older event still in the slot (its writer has not stored yet); such events count as lost
 * in flight. Events with a {@code seq >= end} (written after the stop by a thread that saw the sink
 * before its removal) are ignored.
 */
final class TraceRecorder extends Hooks.Sink {

  /** What happened. */
  enum Kind {
    SPAWN,
    START,
    END,
    WAIT_BEGIN,
    WAIT_END,
    CANCEL,
    CANCEL_REACHED,
    STRAGGLER,
    RESTART,
    LEAK
  }

  /**
   * One event. {@code thread} is where it happened; {@code a} and {@code b} depend on the kind: the
   * task (and its end state), the wait, the cancelled node and its {@code Done}, ...
   */
  record Event(long seq, long nanos, Kind kind, Thread thread, Object a, Object b) {}

  /** One stripe: its counter and its ring (allocated apart, so counters share no cache line). */
  private static final class Stripe {
    final AtomicLong next = new AtomicLong();
    final AtomicReferenceArray<Event> ring;

    Stripe(int size) {
      ring = new AtomicReferenceArray<>(size);
    }
  }

  private final Stripe[] stripes;
  private final int stripeMask;
  private final int mask; // of each stripe's ring

  final long startNanos;

  TraceRecorder(int capacity) {
    int n = 8;
    while (n < 4 * Runtime.getRuntime().availableProcessors() && n < 64) {
      n <<= 1;
    }
    int size = 16;
    while ((long) size * n < capacity) {
      size <<= 1;
    }
    stripes = new Stripe[n];
    for (int i = 0; i < n; i++) {
      stripes[i] = new Stripe(size);
    }
    stripeMask = n - 1;
    mask = size - 1;
    startNanos = System.nanoTime();
  }

  int capacity() {
    return stripes.length * (mask + 1);
  }

  private void append(long nanos, Kind kind, Object a, Object b) {
    Thread t = Thread.currentThread();
    long id = t.threadId();
    Stripe s = stripes[(int) (id ^ (id >>> 16)) & stripeMask];
    long seq = s.next.getAndIncrement();
    s.ring.setRelease((int) (seq & mask), new Event(seq, nanos, kind, t, a, b));
  }

  /** The events appended before now, oldest first, and what was lost. */
  Snapshot snapshot() {
    List<Event> kept = new ArrayList<>();
    long total = 0;
    long lostInFlight = 0;
    long completeFrom = startNanos;
    for (Stripe s : stripes) {
      long end = s.next.get();
      total += end;
      long first = Math.max(0, end - s.ring.length());
      Event oldest = null;
      for (long seq = first; seq < end; seq++) {
        Event e = s.ring.getAcquire((int) (seq & mask));
        if (e != null && e.seq == seq) {
          kept.add(e);
          if (oldest == null) {
            oldest = e;
          }
        } else {
          lostInFlight++;
        }
      }
      if (first > 0 && oldest != null && oldest.nanos > completeFrom) {
        completeFrom = oldest.nanos; // this stripe lost what came before its oldest event
      }
    }
    // Merged by time; a thread's events are in one stripe, in order, and stay so (stable sort).
    kept.sort(Comparator.comparingLong(Event::nanos));
    return new Snapshot(List.copyOf(kept), total, lostInFlight, completeFrom);
  }

  /**
   * What a recording holds when stopped: {@code events} oldest first; {@code total} appended in
   * all; {@code lostInFlight} whose writers had not finished at the stop; {@code completeFromNanos}
   * the time from which no event was overwritten (the recording's start if none was).
   */
  record Snapshot(List<Event> events, long total, long lostInFlight, long completeFromNanos) {
    long dropped() {
      return total - events.size();
    }
  }

  // ---- the sink ----

  @Override
  void spawned(Task<?> task) {
    append(System.nanoTime(), Kind.SPAWN, task, null);
  }

  @Override
  void started(Task<?> task) {
    append(System.nanoTime(), Kind.START, task, null);
  }

  @Override
  void ended(Task<?> task, Task.State end) {
    append(System.nanoTime(), Kind.END, task, end);
  }

  @Override
  void waitBegan(Waits.Wait w) {
    append(w.sinceNanos(), Kind.WAIT_BEGIN, w, null);
  }

  @Override
  void waitEnded(Waits.Wait w) {
    append(System.nanoTime(), Kind.WAIT_END, w, null);
  }

  @Override
  void cancelled(CancelNode node, ContextErrors.Done d, boolean root) {
    long now = System.nanoTime();
    if (root) {
      append(now, Kind.CANCEL, node, d);
    }
    if (node.owner() instanceof Task<?>) {
      append(now, Kind.CANCEL_REACHED, node, d);
    }
  }

  @Override
  void straggler(Task<?> task) {
    append(System.nanoTime(), Kind.STRAGGLER, task, null);
  }

  @Override
  void restarted(String supervisorPath, String child) {
    append(System.nanoTime(), Kind.RESTART, supervisorPath, child);
  }

  @Override
  void leakSuspected(TaskInfo task, String shape, String description) {
    append(System.nanoTime(), Kind.LEAK, task, shape + ": " + description);
  }
}
