package io.tether;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Scope#race} and {@link Scope#map}: two ready-made fan-outs over a scope of their own, each
 * joined before it returns (their javadoc, the contract, is on {@link Scope}).
 */
final class Fanout {
  private Fanout() {}

  static <T> T race(Context ctx, List<? extends Work<? extends T>> works)
      throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(works, "works");
    if (works.isEmpty()) {
      throw new IllegalArgumentException("race: works is empty; give it at least one");
    }
    AtomicReference<Optional<Object>> winner = new AtomicReference<>();
    List<Task<T>> tasks = new ArrayList<>(works.size());
    try (Scope scope = Scope.supervised(ctx, "race")) {
      for (int i = 0; i < works.size(); i++) {
        Work<? extends T> w = Objects.requireNonNull(works.get(i), "works[" + i + "]");
        Work<T> contender =
            c -> {
              T v = w.run(c);
              if (winner.compareAndSet(null, Optional.ofNullable(v))) {
                scope.cancel();
              }
              return v;
            };
        tasks.add(scope.start("race-" + i, contender, w));
      }
      try {
        scope.awaitAll();
      } finally {
        for (Task<T> t : tasks) {
          if (t.state() == Task.State.FAILED) {
            t.markFailureSeen(); // a race reports its failures itself, or ignores them if one won
          }
        }
      }
    }
    Optional<Object> won = winner.get();
    if (won != null) {
      @SuppressWarnings("unchecked")
      T value = (T) won.orElse(null);
      return value;
    }
    List<Throwable> failed = new ArrayList<>();
    for (Task<T> t : tasks) {
      if (t.state() == Task.State.FAILED) {
        failed.add(t.failure());
      }
    }
    ctx.throwIfDone();
    if (failed.isEmpty()) {
      throw new CancellationException("race: every contender was cancelled");
    }
    throw FailureLog.exception("race: all " + works.size() + " contenders failed; first: ", failed);
  }

  static <I, O> List<O> map(
      Context ctx, Collection<I> inputs, int limit, Mapper<? super I, ? extends O> mapper)
      throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(mapper, "mapper");
    if (limit < 1) {
      throw new IllegalArgumentException("map: limit " + limit + " must be >= 1");
    }
    List<Task<O>> tasks = new ArrayList<>(inputs.size());
    try (Scope scope = Scope.open(ctx, "map")) {
      scope.limit(limit);
      int i = 0;
      for (I item : inputs) {
        if (scope.context().isDone()) {
          break; // a failure or the caller cancelled: spawn no more
        }
        try {
          scope.acquireSlot();
        } catch (CancellationException stopped) {
          if (scope.context().isDone()) {
            break; // cancelled while waiting for a slot: join() says why
          }
          throw stopped;
        }
        Work<O> one = c -> mapper.apply(c, item);
        tasks.add(scope.start("map-" + i++, one, mapper));
      }
      scope.join();
    }
    ctx.throwIfDone();
    List<O> out = new ArrayList<>(tasks.size());
    for (Task<O> t : tasks) {
      if (t.state() != Task.State.SUCCEEDED) {
        throw new CancellationException("map: item " + out.size() + " did not complete: " + t);
      }
      out.add(t.resultNow());
    }
    if (out.size() != inputs.size()) {
      throw new CancellationException(
          "map: only " + out.size() + " of " + inputs.size() + " items were mapped");
    }
    return out;
  }
}
