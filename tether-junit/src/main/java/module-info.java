/**
 * The Tether leak check for JUnit 5: Go's goleak for Java, virtual threads included.
 *
 * <p>Only {@code io.tether.junit} is exported. The whole-suite listener is registered twice: by
 * {@code provides} below for a test run on the module path, and by {@code META-INF/services} for
 * one on the class path (the usual case).
 *
 * <p>On the module path, the fast view of virtual threads needs {@code --add-exports
 * java.base/jdk.internal.vm=io.tether.junit} (on the class path: {@code =ALL-UNNAMED}); without it
 * the check falls back to thread groups and the JDK's JSON thread dump.
 */
module io.tether.junit {
  requires io.tether;
  // LeakCheck is a Jupiter extension: its public supertypes come from here.
  requires transitive org.junit.jupiter.api;
  // Only for the whole-suite listener (a public type: transitive); any JUnit Platform run already
  // has the launcher.
  requires static transitive org.junit.platform.launcher;
  // Reads the JDK's JSON thread dump (the fallback view of virtual threads).
  requires com.fasterxml.jackson.jr.ob;
  // HotSpotDiagnosticMXBean.dumpThreads, for that fallback.
  requires java.management;
  requires jdk.management;

  exports io.tether.junit;

  provides org.junit.platform.launcher.LauncherSessionListener with
      io.tether.junit.LeakCheckListener;
  provides org.junit.platform.launcher.TestExecutionListener with
      io.tether.junit.LeakCheckListener;
}
