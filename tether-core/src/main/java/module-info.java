/**
 * Tether core: every task has an owner, a stop signal and a wait.
 *
 * <p>Only {@code io.tether} is exported; everything else in this module is internal.
 */
module io.tether {
  // sun.misc.Signal, for Shutdown: the JDK's only way to handle SIGINT/SIGTERM without exiting.
  requires jdk.unsupported;

  // The io.tether.* Flight Recorder events (JfrEvents); jdk.jfr is part of the JDK.
  requires jdk.jfr;

  exports io.tether;
}
