package io.tether;

/**
 * Internal base of every {@link SelectClause}. The select machinery (channels issue) adds the
 * protocol: try without blocking, register a waiter, unregister.
 */
abstract non-sealed class Clause<R> implements SelectClause<R> {}
