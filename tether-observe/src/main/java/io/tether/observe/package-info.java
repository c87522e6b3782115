/**
 * See a live service: {@link io.tether.observe.DebugServer} serves the task registry over HTTP
 * (Go's {@code net/http/pprof} on {@code localhost:6060}: a live page, text and JSON dumps, one
 * task's stack, the JVM's thread dump), and {@link io.tether.observe.SignalDump} prints the grouped
 * dump on {@code SIGUSR1}.
 *
 * <pre>{@code
 * try (DebugServer debug = DebugServer.start(ctx, DebugOptions.defaults());
 *     SignalDump dumps = SignalDump.install()) {
 *   System.out.println("debug page: " + debug.url());
 *   serve(ctx);
 * }
 * }</pre>
 */
package io.tether.observe;
