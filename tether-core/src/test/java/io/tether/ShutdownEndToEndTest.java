package io.tether;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.testing.Bounded;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shutdown.run end to end: a child JVM, real signals, its stderr and exit code. */
class ShutdownEndToEndTest {

  private Process child;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> stdoutSeen = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final List<Thread> pumps = new ArrayList<>();

  private void startChild(String scenario, long graceMillis) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ShutdownMain.class.getName(),
                scenario,
                Long.toString(graceMillis))
            .start();
    pump(
        child.getInputStream(),
        line -> {
          stdoutSeen.add(line);
          stdout.add(line);
        });
    pump(child.getErrorStream(), stderr::add);
  }

  private void pump(InputStream in, java.util.function.Consumer<String> sink) {
    pumps.add(
        Thread.ofVirtual()
            .start(() -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  sink.accept(line);
                }
              } catch (IOException ignored) {
                // the child is gone
              }
            }));
  }

  /** Reads stdout until a line containing {@code text}; on a hang, shows the child's threads. */
  private void awaitStdout(String text) throws Exception {
    long end = System.nanoTime() + Bounded.HANG.toNanos();
    while (System.nanoTime() < end) {
      String line = stdout.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.contains(text)) {
        return;
      }
    }
    hung("child output '" + text + "'");
  }

  /** Fails, after asking the child for its thread dump and waiting (bounded) for it to arrive. */
  private void hung(String what) throws Exception {
    signal("QUIT");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (stdoutSeen.stream().noneMatch(l -> l.contains("Full thread dump"))
        && System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    Bounded.hung(what + "; child stdout: " + stdoutSeen + " stderr: " + stderr);
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(child.pid())).start();
    assertThat(kill.waitFor()).as("kill -%s exit code", name).isZero();
  }

  /** Waits for the child to exit and for the pumps to read the last of its output. */
  private int exitCode() throws Exception {
    if (!child.waitFor(Bounded.HANG.toSeconds(), TimeUnit.SECONDS)) {
      hung("child exit");
    }
    for (Thread p : pumps) {
      Bounded.join(p); // each ends at its pipe's end of file, after the last line
    }
    return child.exitValue();
  }

  private String err() throws Exception {
    exitCode();
    return String.join("\n", stderr);
  }

  @AfterEach
  void killChild() {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
    }
  }

  @Test
  void sigtermStopsEveryTaskAndExitsZeroWithOneLine() throws Exception {
    startChild("clean", 5_000);
    awaitStdout("ready");
    signal("TERM");
    assertThat(exitCode()).isZero();
    String err = err();
    assertThat(err.lines().toList())
        .singleElement()
        .asString()
        .startsWith("tether: shutdown (SIGTERM) clean: 4 tasks stopped in ")
        .contains(" ms");
  }

  @Test
  void sigintIsHandledTheSameWay() throws Exception {
    startChild("clean", 5_000);
    awaitStdout("ready");
    signal("INT");
    assertThat(exitCode()).isZero();
    assertThat(err()).startsWith("tether: shutdown (SIGINT) clean: 4 tasks stopped");
  }

  @Test
  void aTaskThatIgnoresCancellationIsNamedAfterTheGraceAndTheExitCodeIsNonZero() throws Exception {
    startChild("stuck", 300);
    awaitStdout("ready");
    signal("TERM");
    assertThat(exitCode()).isEqualTo(Shutdown.STRAGGLERS);
    assertThat(err())
        .contains("tether: shutdown (SIGTERM): 2 task(s) still running after the 300ms grace")
        .contains("straggler: task #")
        .contains("'main' main/main [RUNNING, scope.close")
        .contains("spawned at io.tether.ShutdownMain.main(ShutdownMain.java:")
        .contains("'stubborn' main/main/workers/stubborn [RUNNING")
        .contains("spawned at io.tether.ShutdownMain.")
        .contains("at io.tether.ShutdownMain.ignoreCancellation(ShutdownMain.java:");
  }

  @Test
  void aSecondSignalExitsAtOnceWithTheReport() throws Exception {
    startChild("stuck", 60_000);
    awaitStdout("ready");
    signal("TERM");
    awaitStdout("stubborn ignored a cancellation");
    signal("TERM");
    assertThat(exitCode()).isEqualTo(128 + 15);
    assertThat(err())
        .contains("tether: SIGTERM again while stopping (SIGTERM): exiting now")
        .contains("'stubborn' main/main/workers/stubborn");
  }

  @Test
  void sigquitStillPrintsTheJvmThreadDump() throws Exception {
    startChild("clean", 5_000);
    awaitStdout("ready");
    signal("QUIT");
    awaitStdout("Full thread dump");
    assertThat(child.isAlive()).isTrue();
    signal("TERM");
    assertThat(exitCode()).isZero();
  }

  @Test
  void aFailingMainIsPrintedAndExitsOne() throws Exception {
    startChild("fail", 5_000);
    assertThat(exitCode()).isEqualTo(Shutdown.FAILED);
    assertThat(err())
        .contains("tether: main failed (main returned):")
        .contains("java.lang.IllegalStateException: config file missing")
        .contains("at io.tether.ShutdownMain.");
  }

  @Test
  void aServiceThatFailsWhileDrainingMakesTheExitCodeOne() throws Exception {
    startChild("fail-on-stop", 5_000);
    awaitStdout("ready");
    signal("TERM");
    assertThat(exitCode()).isEqualTo(Shutdown.FAILED);
    assertThat(err())
        .contains("tether: main failed (SIGTERM):")
        .contains("service 'flusher' failed")
        .contains("java.io.IOException: flush failed while stopping")
        .doesNotContain("clean: ");
  }
}
