package io.tether;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The sink behind a {@link Trace.Recording}: appends each event to a ring buffer of fixed capacity,
 * overwriting the oldest when full (a flight recorder keeps the latest), and counting by kind what
 * it overwrote.
 *
 * <p>Invariants: {@code next} counts events ever appended; event {@code seq} lives in slot {@code
 * seq & mask} until event {@code seq + capacity} overwrites it. A writer takes its {@code seq} by
 * {@code getAndIncrement} and then stores the event, so a reader that stopped the recording at
 * {@code end = next} may find, for a {@code seq < end}, an older event still in the slot (its
 * writer has not stored yet); such events count as lost in flight. Events with a {@code seq >= end}
 * (written after the stop by a thread that saw the sink before its removal) are ignored.
 */
final class TraceRecorder extends Hooks.Sink {

  /** What happened; also the index of the per-kind dropped counter. */
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

  private final AtomicReferenceArray<Event> ring;
  private final int mask;
  private final AtomicLong next = new AtomicLong();
  private final AtomicLongArray overwritten = new AtomicLongArray(Kind.values().length);

  final long startNanos;

  TraceRecorder(int capacity) {
    int size = 16;
    while (size < capacity) {
      size <<= 1;
    }
    ring = new AtomicReferenceArray<>(size);
    mask = size - 1;
    startNanos = System.nanoTime();
  }

  int capacity() {
    return mask + 1;
  }

  private void append(long nanos, Kind kind, Object a, Object b) {
    long seq = next.getAndIncrement();
    Event e = new Event(seq, nanos, kind, Thread.currentThread(), a, b);
    Event old = ring.getAndSet((int) (seq & mask), e);
    if (old != null) {
      overwritten.incrementAndGet(old.kind.ordinal());
    }
  }

  /** The events appended before {@code end}, oldest first, and what was lost. */
  Snapshot snapshot() {
    long end = next.get();
    long first = Math.max(0, end - ring.length());
    List<Event> kept = new ArrayList<>((int) (end - first));
    long lostInFlight = 0;
    for (long seq = first; seq < end; seq++) {
      Event e = ring.get((int) (seq & mask));
      if (e != null && e.seq == seq) {
        kept.add(e);
      } else {
        lostInFlight++;
      }
    }
    long[] byKind = new long[Kind.values().length];
    for (int i = 0; i < byKind.length; i++) {
      byKind[i] = overwritten.get(i);
    }
    return new Snapshot(List.copyOf(kept), end, lostInFlight, byKind);
  }

  /**
   * What a recording holds when stopped: {@code events} oldest first; {@code total} appended in
   * all; {@code lostInFlight} whose writers had not finished at the stop; {@code overwrittenByKind}
   * dropped for room, by {@link Kind} ordinal (may include a few appended after the stop).
   */
  record Snapshot(List<Event> events, long total, long lostInFlight, long[] overwrittenByKind) {
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
