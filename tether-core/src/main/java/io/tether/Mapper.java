package io.tether;

/**
 * The per-item function of {@link Scope#map}: runs on its own task, with that task's context.
 *
 * @param <I> input type
 * @param <O> output type
 */
@FunctionalInterface
public interface Mapper<I, O> {
  /** Maps one item. Whatever it throws fails the whole {@code map} (fail-fast). */
  O apply(Context ctx, I item) throws Exception;
}
