/**
 * Tether: Go's goroutine-lifecycle discipline for Java virtual threads.
 *
 * <p>Every task has an owner, a stop signal and a wait. The stop signal is a {@link
 * io.tether.Context}: cancellation that flows from parent to children, with deadlines, a cause and
 * request-scoped values.
 *
 * <p>Unless a method says otherwise, passing {@code null} to any method of this package throws
 * {@link java.lang.NullPointerException} naming the argument.
 */
package io.tether;
