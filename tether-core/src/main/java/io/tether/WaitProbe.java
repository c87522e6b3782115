package io.tether;

import java.util.Objects;
import java.util.Optional;

/**
 * What a parked thread waits on, with the facts a leak watchdog needs to decide whether anything
 * can still end the wait: a small SPI for tools outside the core ({@code tether-observe}'s {@code
 * LeakWatchdog}). Application code does not need it.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * WaitProbe.of(task.thread()).ifPresent(p -> {
 *   if (p.neverEnds()) System.out.println(p.reason() + " on " + p.target() + " can never end");
 * });
 * }</pre>
 *
 * <h2>What the facts mean</h2>
 *
 * A probe reads the thread's park blocker once, then the waited object's state without its lock:
 * each fact is a racy hint, true when it was read. A tool must decide only on facts that stayed the
 * same over a long look: the same wait ({@link #sinceNanos()}), the same {@link #progress()}.
 *
 * <ul>
 *   <li>Channel waits ({@code chan send}, {@code chan receive}): {@link #progress()} counts the
 *       channel's completed operations; {@link #counterpartQueued()} says a thread waits on the
 *       other side (the wait is then about to end, or is a select's); {@link #counterpartsEnded()}
 *       says the channel's creator and the last thread that completed an operation on the other
 *       side have both ended. Tether does not know who else holds a reference to the channel: a
 *       thread that never used it yet may still send, receive or close.
 *   <li>{@code ctx.await} without a timeout on a context with no cancel and no deadline anywhere
 *       above it ({@link Context#background()}, {@code withoutCancel()}, values): {@link
 *       #neverEnds()} is true; only an interrupt ends that wait.
 *   <li>Every other wait (a select, a join, a wait group): the reason and target only.
 * </ul>
 *
 * <h2>Cost</h2>
 *
 * Reading a probe costs a few field reads; the channel keeps its facts with one counter increment
 * per completed operation (under the lock the operation already holds) and a write of the thread on
 * each side only when that thread changes.
 *
 * <p>A probe is a value read once; its {@link #target()} text is made on the first call (a look at
 * many tasks needs it only for the few it reports).
 */
public final class WaitProbe {
  private final String reason;
  private final Object target;
  private final long sinceNanos;
  private final long progress;
  private final boolean counterpartQueued;
  private final boolean counterpartsEnded;
  private final boolean neverEnds;
  private String targetText; // made on first use; racy but idempotent

  private WaitProbe(
      String reason,
      Object target,
      long sinceNanos,
      long progress,
      boolean counterpartQueued,
      boolean counterpartsEnded,
      boolean neverEnds) {
    this.reason = reason;
    this.target = target;
    this.sinceNanos = sinceNanos;
    this.progress = progress;
    this.counterpartQueued = counterpartQueued;
    this.counterpartsEnded = counterpartsEnded;
    this.neverEnds = neverEnds;
  }

  /** What kind of wait, as in {@link TaskInfo#waitReason()}. */
  public String reason() {
    return reason;
  }

  /** What it waits on, as text ({@code Channel[jobs, unbuffered, open]}), as it is now. */
  public String target() {
    String t = targetText;
    if (t == null) {
      targetText = t = String.valueOf(target);
    }
    return t;
  }

  /**
   * When the wait began ({@link System#nanoTime()}); with the thread, it identifies one wait: a
   * thread that left a wait and entered another has a new value.
   */
  public long sinceNanos() {
    return sinceNanos;
  }

  /** Completed operations on the waited channel; -1 if the wait is not on a channel. */
  public long progress() {
    return progress;
  }

  /** A channel wait: a thread waits on the other side now. */
  public boolean counterpartQueued() {
    return counterpartQueued;
  }

  /**
   * A channel wait: the channel's creator has ended, and so has the last thread seen on the other
   * side (unless that is the waiter itself). A creator waiting on its own channel counts as alive:
   * it has handed the channel to someone.
   */
  public boolean counterpartsEnded() {
    return counterpartsEnded;
  }

  /**
   * Nothing but an interrupt can end this wait: an untimed {@code ctx.await} on a context that can
   * never be done.
   */
  public boolean neverEnds() {
    return neverEnds;
  }

  /** {@code WaitProbe[chan receive on Channel[jobs, unbuffered, open], progress 17, ...]}. */
  @Override
  public String toString() {
    return "WaitProbe["
        + reason
        + " on "
        + target()
        + ", progress "
        + progress
        + (counterpartQueued ? ", counterpart queued" : "")
        + (counterpartsEnded ? ", counterparts ended" : "")
        + (neverEnds ? ", never ends" : "")
        + "]";
  }

  /**
   * The Tether wait {@code thread} is parked in now, with its facts; empty if it runs or is parked
   * outside Tether. Never blocks.
   *
   * @throws NullPointerException if {@code thread} is null
   */
  public static Optional<WaitProbe> of(Thread thread) {
    Objects.requireNonNull(thread, "thread");
    Waits.Wait w = Waits.of(thread);
    if (w == null) {
      return Optional.empty();
    }
    long progress = -1;
    boolean queued = false;
    boolean ended = false;
    boolean never = false;
    if (w.target() instanceof Channel<?> ch
        && (w.reason().equals("chan send") || w.reason().equals("chan receive"))) {
      boolean sends = w.reason().equals("chan send");
      progress = ch.progress();
      queued = ch.hasQueued(!sends);
      ended = ch.counterpartsEnded(sends, thread);
    } else if (w.target() instanceof AbstractContext c
        && w.reason().equals("ctx.await")
        && c.source == null) {
      // Untimed only: a timed await on such a context ends at its timeout. Read the state, then
      // the blocker again, so both belong to this same wait.
      never = thread.getState() == Thread.State.WAITING && Waits.of(thread) == w;
    }
    return Optional.of(
        new WaitProbe(w.reason(), w.target(), w.sinceNanos(), progress, queued, ended, never));
  }
}
