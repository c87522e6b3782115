package io.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Bounded;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Shutdown.run in process (signals simulated); the real signals are in ShutdownEndToEndTest. */
class ShutdownTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String err() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /**
   * Runs a main under {@code Shutdown.run} that waits for its context and then runs {@code
   * afterSignal}; {@code signal} is simulated once main runs. Returns the exit code.
   */
  private int runSignalled(String signal, VoidWork afterSignal) throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Thread signaller =
        Thread.ofVirtual()
            .start(() -> {
              Bounded.await(running);
              assertThat(Shutdown.simulate(signal)).isTrue();
            });
    int code =
        Shutdown.run(
            Bounded.HANG,
            ctx -> {
              running.countDown();
              ctx.await();
              afterSignal.run(ctx);
            },
            err,
            false);
    Bounded.join(signaller);
    return code;
  }

  @Test
  void mainReturningStopsItsTasksAndExitsZero() {
    Scope[] leftOpen = new Scope[1];
    int code =
        Shutdown.run(
            Bounded.HANG,
            ctx -> {
              leftOpen[0] = Scope.open(ctx, "left-open"); // main never closes it
              leftOpen[0].go("idle", Context::await);
            },
            err,
            false);
    assertThat(code).isEqualTo(Shutdown.OK);
    assertThat(err()).startsWith("tether: shutdown (main returned) clean: 2 tasks stopped in ");
    // Its task was stopped; the scope itself stays listed (OPEN, no task) since main never
    // closed it: that is main's leak to fix, and the registry shows it.
    assertThat(Tasks.snapshot())
        .noneMatch(i -> i.path().startsWith("main") && i.kind() == TaskInfo.Kind.TASK);
    leftOpen[0].close();
    assertThat(Tasks.snapshot()).noneMatch(i -> i.path().startsWith("main"));
  }

  @Test
  void aSimulatedSignalCancelsMainsContext() throws Exception {
    int code =
        runSignalled("SIGTERM", ctx -> assertThat(ctx.cause()).hasMessage("shutdown: SIGTERM"));
    assertThat(code).isEqualTo(Shutdown.OK);
    assertThat(err()).startsWith("tether: shutdown (SIGTERM) clean: 1 task stopped");
  }

  @Test
  void onlyOneRunAtATimeAndBadInputIsRefused() {
    int code =
        Shutdown.run(
            Bounded.HANG,
            ctx ->
                assertThatThrownBy(() -> Shutdown.run(Duration.ofSeconds(1), c -> {}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Shutdown.run is already running"),
            err,
            false);
    assertThat(code).isEqualTo(Shutdown.OK);
    assertThatThrownBy(() -> Shutdown.run(Duration.ofSeconds(-1), c -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> Shutdown.run(Duration.ofSeconds(1), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("main");
    assertThat(Shutdown.simulate("SIGTERM")).isFalse();
  }

  @Test
  void aServiceMainNeverClosedThatFailsWhileDrainingIsReportedAndExitsOne() {
    int code =
        Shutdown.run(
            Bounded.HANG,
            ctx -> {
              // Never closed by main: only Shutdown can still report its failure.
              Service.start(
                  ctx,
                  "orphan-flusher",
                  c -> {
                    c.await();
                    throw new java.io.IOException("flush failed while stopping");
                  });
            },
            err,
            false);
    assertThat(code).isEqualTo(Shutdown.FAILED);
    assertThat(err())
        .contains("tether: unreported failure: java.io.IOException: flush failed while stopping")
        .doesNotContain("main failed");
  }

  @Test
  void mainThatThrowsSomethingElseAfterTheSignalFailed() throws Exception {
    int code =
        runSignalled(
            "SIGTERM",
            ctx -> {
              throw new java.io.IOException("could not write the last checkpoint");
            });
    assertThat(code).isEqualTo(Shutdown.FAILED);
    assertThat(err())
        .contains("tether: main failed (SIGTERM):")
        .contains("could not write the last checkpoint");
  }

  @Test
  void mainEndingWithItsCancellationIsClean() throws Exception {
    int code = runSignalled("SIGINT", Context::throwIfDone); // the cancellation itself
    assertThat(code).isEqualTo(Shutdown.OK);
    assertThat(err()).startsWith("tether: shutdown (SIGINT) clean:");
  }

  @Test
  void aSupervisorMainNeverClosedWhoseChildFailsWhileDrainingIsReported() {
    int code =
        Shutdown.run(
            Bounded.HANG,
            ctx -> {
              Supervisor.builder("orphan-sup")
                  .child(
                      "writer",
                      Supervisor.Restart.PERMANENT,
                      c -> {
                        c.await();
                        throw new java.io.IOException("writer failed while stopping");
                      })
                  .start(ctx); // never closed by main
            },
            err,
            false);
    assertThat(code).isEqualTo(Shutdown.FAILED);
    assertThat(err())
        .contains("tether: unreported failure: java.io.IOException: writer failed while stopping")
        .contains(") failed (1 unreported, printed above)");
  }
}
