package io.tether;

import io.tether.ContextErrors.Done;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * // or in a select:  Select.select(ticker.onTick(t -> ...), jobs.onReceive(j -> ...))
 * }</pre>
 *
 * <h2>Cancellation and exit</h2>
 *
 * A ticker holds a registration on the shared timer thread ({@code tether-timer}; no thread of its
 * own) until {@link #stop()} or {@link #close()}, or until {@code ctx} is done; then iteration ends
 * and a select's {@link #onTick} clause reports the ticker as closed. Until then it is listed in
 * the registry ({@link Tasks#snapshot()}, kind {@code TICKER}), so a ticker nobody stopped shows up
 * in dumps and in the leak check. Use try-with-resources.
 *
 * <h2>Slow consumers</h2>
 *
 * At most one tick waits to be taken; ticks that find it still waiting are dropped, as in Go, so a
 * slow consumer never builds a backlog.
 *
 * <h2>Memory consistency effects</h2>
 *
 * As for a {@link Channel}: the tick is sent on the timer thread and received by the consumer.
 */
public final class Ticker implements AutoCloseable, Iterable<Instant> {
  private final long id = Registry.nextId();
  private final Duration period;
  private final Channel<Instant> ticks;
  private final ScheduledFuture<?> future;
  private final StopLink stopOnDone;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Object owner; // task or scope, or null
  private final Thread openedOn; // started outside any task or scope: the starting thread
  private final StackTraceElement startSite;
  private final long startNanos = System.nanoTime();

  private Ticker(AbstractContext ctx, Duration period, long nanos) {
    this.period = period;
    this.ticks = Channel.buffered("ticker-" + id, 1);
    this.owner = Registry.owner(ctx);
    this.openedOn = owner == null ? Thread.currentThread() : null;
    this.startSite = SpawnSites.site();
    Registry.add(this);
    this.future = Timers.scheduleAtFixedRate(this::tick, nanos);
    CancelNode source = ctx.source;
    StopLink link = null;
    if (source != null) {
      link = new StopLink(this, source);
      if (!source.link(link)) {
        link = null;
        stop();
      }
    }
    this.stopOnDone = link;
  }

  /**
   * Starts a ticker that ticks every {@code period}, the first tick one period from now.
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
    try {
      ticks.trySend(Instant.now()); // false: the last tick is still waiting; drop this one
    } catch (ChannelClosedException stoppedMeanwhile) {
      // stop() raced with this tick: nothing to deliver
    }
  }

  /** Stops ticking and ends iteration. Idempotent; never blocks. */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    if (future != null) {
      future.cancel(false);
    }
    ticks.close();
    if (stopOnDone != null) {
      stopOnDone.source.unlink(stopOnDone);
    }
    Registry.remove(this);
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /** Whether {@link #stop()} was called or the context is done. */
  public boolean isStopped() {
    return stopped.get();
  }

  /**
   * The ticks, until stopped or the context is done. {@code hasNext()} blocks for the next tick; if
   * interrupted it throws {@link java.util.concurrent.CancellationException} and keeps the
   * interrupt status.
   */
  @Override
  public Iterator<Instant> iterator() {
    return ticks.iterator();
  }

  /** A select clause ready at each tick; on a stopped ticker it throws when chosen. */
  public <R> SelectClause<R> onTick(Function<? super Instant, ? extends R> action) {
    return ticks.onReceive(action);
  }

  /** The task or scope it was started under, or null. */
  Object owner() {
    return owner;
  }

  TaskInfo info(Registry.Snapshot at) {
    String name = "ticker-" + id;
    return new TaskInfo(
        id,
        name,
        TaskInfo.Kind.TICKER,
        Registry.pathUnder(owner, name),
        stopped.get() ? "STOPPED" : "TICKING every " + period,
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
        owner == null ? openedOn : Registry.rootThread(owner));
  }

  /** {@code Ticker[ticker-12 every PT10S, ticking]}. */
  @Override
  public String toString() {
    return "Ticker[ticker-"
        + id
        + " every "
        + period
        + ", "
        + (stopped.get() ? "stopped" : "ticking")
        + "]";
  }

  /** Stops the ticker when its context is done; quick and user-code free, as DoneLink requires. */
  private static final class StopLink extends DoneLink {
    final Ticker ticker;
    final CancelNode source;

    StopLink(Ticker ticker, CancelNode source) {
      this.ticker = ticker;
      this.source = source;
    }

    @Override
    void onDone(Done done) {
      ticker.stop();
    }
  }
}
