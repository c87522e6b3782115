/**
 * Tether observe: see a live service. {@link io.tether.observe.DebugServer} serves the task
 * registry over HTTP (a page, text and JSON dumps, the JVM's thread dump); {@link
 * io.tether.observe.SignalDump} prints the grouped dump on a signal.
 *
 * <p>Only {@code io.tether.observe} is exported.
 */
module io.tether.observe {
  requires transitive io.tether; // its types (Context, Service, StopReport) are in this API
  requires jdk.httpserver;
  requires java.management;
  requires jdk.management;
  // sun.misc.Signal, for SignalDump: the JDK's only way to handle a signal without exiting.
  requires jdk.unsupported;
  requires com.fasterxml.jackson.jr.ob;

  exports io.tether.observe;
}
