package io.tether;

import io.tether.ContextErrors.Done;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;

/**
 * Go's {@code time.Ticker}, owned: delivers the time every period until stopped or until its
 * context is done.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (Ticker ticker = Ticker.start(ctx, Duration.ofSeconds(10))) {
 *   for (Instant t : ticker) {        // ends when ctx is done or the ticker is stopped
 *     sendHeartbeat(t);
 *   }
 * }
 * // or Go's loop, in a select:
 * while (Select.select(ticker.onTick(t -> { beat(t); return true; }), ctx.onDone(() -> false))) {}
 * }</pre>
 *
 * <h2>Cancellation and exit</h2>
 *
 * A ticker holds a registration on the shared timer thread ({@code tether-timer}; no thread of its
 * own) until {@link #stop()} or {@link #close()}, or until {@code ctx} is done. Then iteration
 * ends, and an {@link #onTick} clause simply never becomes ready again: as in Go, stopping does not
 * close the ticks, so {@code select(ticker.onTick(..), ctx.onDone(..))} takes the done branch when
 * {@code ctx} is cancelled, and a tick still waiting when the ticker stops is discarded (no stale
 * tick after {@code stop()} returns). Until stopped the ticker is listed in the registry ({@link
 * Tasks#snapshot()}, kind {@code TICKER}), so a ticker nobody stopped shows up in dumps and in the
 * leak check. Use try-with-resources.
 *
 * <h2>Slow consumers</h2>
 *
 * At most one tick waits to be taken; ticks that find it still waiting are dropped, as in Go, so a
 * slow consumer never builds a backlog.
 *
 * <h2>Memory consistency effects</h2>
 *
 * As for a {@link Channel}: the tick is sent on the timer thread and received by the consumer.
 * {@code stop()} (or the context's cancel) happens-before iteration reports the end.
 */
public final class Ticker implements AutoCloseable, Iterable<Instant> {
  private final long id = Registry.nextId();
  private final Duration period;

  /** The tick hand-off: one slot, never closed (Go never closes {@code ticker.C}). */
  private final Channel<Instant> ticks;

  private final ScheduledFuture<?> future;

  /** A child of the ticker's context, cancelled by {@link #stop()}: what iteration waits on. */
  private final CancelNode stopped;

  /** Orders a tick against stop(): no tick is sent once stop() has drained the slot. */
  private final Object tickLock = new Object();

  private final Object owner; // task or scope, or null
  private final Thread openedOn; // started outside any task or scope: the starting thread
  private final StackTraceElement startSite;
  private final long startNanos = System.nanoTime();

  /** This ticker's entry in the registry, from start until stopped. */
  private final Registry.Listed listing = at -> info(at, Registry.idOf(owner()));

  private Ticker(AbstractContext ctx, Duration period, long nanos) {
    this.period = period;
    this.ticks = Channel.buffered("ticker-" + id, 1);
    this.owner = Registry.owner(ctx);
    this.openedOn = owner == null ? Thread.currentThread() : null;
    this.startSite = SpawnSites.site();
    this.stopped = CancelNode.create(ctx, null, 0);
    Registry.add(listing);
    this.future = Timers.scheduleAtFixedRate(this::tick, nanos);
    if (!stopped.link(new StopLink(this))) {
      finish(); // the context was done already
    }
  }

  /**
   * Starts a ticker that ticks every {@code period}, the first tick one period from now. The caller
   * owns it: stop or close it (or cancel {@code ctx}); until then it keeps a timer entry.
   *
   * @throws IllegalArgumentException if {@code period} is zero or negative
   */
  public static Ticker start(Context ctx, Duration period) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(period, "period");
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("Ticker period " + period + " must be positive");
    }
    return new Ticker((AbstractContext) ctx, period, AbstractContext.saturatedNanos(period));
  }

  private void tick() {
    synchronized (tickLock) {
      if (!stopped.isDone()) {
        ticks.trySend(Instant.now()); // false: the last tick is still waiting; drop this one
      }
    }
  }

  /** Stops ticking and ends iteration. Idempotent; never blocks. */
  public void stop() {
    stopped.cancel(); // its StopLink finishes the rest, once
  }

  /** Runs once, when {@link #stopped} is done (by stop() or by the context). */
  private void finish() {
    if (future != null) {
      future.cancel(false);
    }
    synchronized (tickLock) {
      ticks.tryReceive(); // a tick still waiting is stale now
    }
    Registry.remove(listing);
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /** Whether {@link #stop()} was called or the context is done. */
  public boolean isStopped() {
    return stopped.isDone();
  }

  /**
   * The ticks, until stopped or the context is done. {@code hasNext()} blocks for the next tick; if
   * interrupted it throws {@link java.util.concurrent.CancellationException} and keeps the
   * interrupt status.
   */
  @Override
  public Iterator<Instant> iterator() {
    return new Iterator<>() {
      private Instant next;

      @Override
      public boolean hasNext() {
        if (next == null && !stopped.isDone()) {
          try {
            next = Select.select(ticks.onReceive(t -> t), stopped.onDone(() -> null));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CancellationException c =
                new CancellationException("interrupted while iterating " + Ticker.this);
            c.initCause(e);
            throw c;
          }
        }
        return next != null;
      }

      @Override
      public Instant next() {
        if (!hasNext()) {
          throw new NoSuchElementException(Ticker.this + " is stopped");
        }
        Instant t = next;
        next = null;
        return t;
      }
    };
  }

  /**
   * A select clause ready at each tick. Once the ticker is stopped (or its context is done) it is
   * never ready again; pair it with {@code ctx.onDone(..)} to leave a loop, as in Go.
   */
  public <R> SelectClause<R> onTick(Function<? super Instant, ? extends R> action) {
    return ticks.onReceive(action);
  }

  /** The task or scope it was started under, or null. */
  Object owner() {
    return owner;
  }

  TaskInfo info(Registry.Snapshot at, long ownerId) {
    String name = "ticker-" + id;
    return new TaskInfo(
        id,
        name,
        TaskInfo.Kind.TICKER,
        Registry.pathUnder(owner, name),
        stopped.isDone() ? "STOPPED" : "TICKING every " + period,
        startSite,
        startSite == null ? List.of() : List.of(startSite),
        null,
        null,
        null,
        at.since(startNanos),
        null,
        false,
        List.of(),
        List.of(),
        owner == null ? openedOn : Registry.rootThread(owner),
        ownerId);
  }

  /** {@code Ticker[ticker-12 every PT10S, ticking]}. */
  @Override
  public String toString() {
    return "Ticker[ticker-"
        + id
        + " every "
        + period
        + ", "
        + (stopped.isDone() ? "stopped" : "ticking")
        + "]";
  }

  /** Finishes the ticker when it is stopped; quick and user-code free, as DoneLink requires. */
  private static final class StopLink extends DoneLink {
    final Ticker ticker;

    StopLink(Ticker ticker) {
      this.ticker = ticker;
    }

    @Override
    void onDone(Done done) {
      ticker.finish();
    }
  }
}
