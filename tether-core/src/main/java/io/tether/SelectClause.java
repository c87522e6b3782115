package io.tether;

/**
 * One alternative of a {@code select}: it becomes ready when its operation can proceed (a channel
 * has a value, a context is done, a timeout passed) and, if chosen, yields a result of type {@code
 * R}. Clauses come from factories such as {@link Context#onDone}; creating one registers nothing
 * and blocks nothing.
 *
 * @param <R> the type {@code select} returns when this clause is chosen
 */
public sealed interface SelectClause<R> permits Clause {}
