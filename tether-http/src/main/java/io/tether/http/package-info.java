/**
 * Deadlines and cancellation across HTTP, in both directions.
 *
 * <ul>
 *   <li>Client: {@link io.tether.http.ContextHttpClient} sends a request under a context: the
 *       request timeout is the remaining deadline, the {@value
 *       io.tether.http.RequestBudget#DEFAULT_HEADER} header tells the server the remaining budget
 *       in milliseconds, and cancelling the context aborts the exchange.
 *   <li>Server: {@link io.tether.http.ContextFilter} (the JDK's {@code com.sun.net.httpserver})
 *       derives each request's context from that header, capped by a server maximum ({@link
 *       io.tether.http.RequestBudget}), refuses requests whose budget is below a floor with 504,
 *       and cancels the context when the response is complete or the client is seen to be gone.
 * </ul>
 *
 * The header carries a duration, not a time of day: the two machines' clocks need not agree.
 */
package io.tether.http;
