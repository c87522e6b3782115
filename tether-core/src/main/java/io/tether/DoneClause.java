package io.tether;

import java.util.function.Supplier;

/** The clause made by {@link Context#onDone}: ready once {@code context} is done. */
final class DoneClause<R> extends Clause<R> {
  final AbstractContext context;
  private final Supplier<? extends R> action;

  DoneClause(AbstractContext context, Supplier<? extends R> action) {
    this.context = context;
    this.action = action;
  }

  @Override
  public Waits.DoneSource cancelledBy() {
    return context;
  }

  @Override
  Object tryNow() {
    return context.isDone() ? PROCEEDED : NOT_READY;
  }

  @Override
  Object register(Parker parker, int index) {
    return context.wakeWhenDone(parker, index);
  }

  @Override
  void unregister(Object handle) {
    if (handle != null) {
      ((AbstractContext.ParkerLink) handle).stop();
    }
  }

  @Override
  R complete(Object outcome) {
    return action.get();
  }

  @Override
  String describe() {
    return "onDone(" + context + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
