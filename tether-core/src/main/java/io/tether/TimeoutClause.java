package io.tether;

import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/** The clause made by {@link Select#onTimeout}: ready once its duration has passed. */
final class TimeoutClause<R> extends Clause<R> {
  private final long nanos;
  private final Supplier<? extends R> action;

  TimeoutClause(long nanos, Supplier<? extends R> action) {
    this.nanos = nanos;
    this.action = action;
  }

  @Override
  Object tryNow() {
    return nanos <= 0 ? PROCEEDED : NOT_READY;
  }

  @Override
  Object register(Parker parker, int index) {
    return Timers.schedule(() -> parker.claimAndComplete(index), nanos);
  }

  @Override
  void unregister(Object handle) {
    ((ScheduledFuture<?>) handle).cancel(false);
  }

  @Override
  R complete(Object outcome) {
    return action.get();
  }

  @Override
  String describe() {
    return "onTimeout(" + java.time.Duration.ofNanos(nanos) + ")";
  }
}
