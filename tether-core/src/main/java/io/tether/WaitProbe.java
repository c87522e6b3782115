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
 * @param reason what kind of wait, as in {@link TaskInfo#waitReason()}
 * @param target what it waits on, as text
 * @param sinceNanos when the wait began ({@link System#nanoTime()}); with the thread, it identifies
 *     one wait: a thread that left a wait and entered another has a new value
 * @param progress completed operations on the waited channel; -1 if the wait is not on a channel
 * @param counterpartQueued a channel wait: a thread waits on the other side now
 * @param counterpartsEnded a channel wait: the creator and the last thread seen on the other side
 *     have ended (or are the waiter itself)
 * @param neverEnds nothing but an interrupt can end this wait: an untimed {@code ctx.await} on a
 *     context that can never be done
 */
public record WaitProbe(
    String reason,
    String target,
    long sinceNanos,
    long progress,
    boolean counterpartQueued,
    boolean counterpartsEnded,
    boolean neverEnds) {

  /** Checks the arguments. */
  public WaitProbe {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(target, "target");
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
        new WaitProbe(
            w.reason(),
            String.valueOf(w.target()),
            w.sinceNanos(),
            progress,
            queued,
            ended,
            never));
  }
}
