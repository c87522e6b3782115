package io.tether;

import java.util.function.Supplier;

/** The clause made by {@link Context#onDone}: ready once {@code context} is done. */
final class DoneClause<R> extends Clause<R> {
  final Context context;
  final Supplier<? extends R> action;

  DoneClause(Context context, Supplier<? extends R> action) {
    this.context = context;
    this.action = action;
  }

  @Override
  public String toString() {
    return "onDone(" + context + ")";
  }
}
