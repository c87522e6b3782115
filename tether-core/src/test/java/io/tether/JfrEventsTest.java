package io.tether;

import static io.tether.ScopeTest.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.testing.Bounded;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import jdk.jfr.Configuration;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The io.tether.* Flight Recorder events, recorded with tether.jfc and read back. */
class JfrEventsTest {

  @Test
  void recordsTaskLifecycleCancellationLongWaitsAndStragglers() throws Exception {
    Configuration tetherJfc;
    try (Reader r =
        new InputStreamReader(
            Objects.requireNonNull(JfrEvents.class.getResourceAsStream("/tether.jfc")),
            StandardCharsets.UTF_8)) {
      tetherJfc = Configuration.create(r);
    }
    List<RecordedEvent> events;
    try (Recording recording = new Recording(tetherJfc)) {
      // The settings file leaves the per-task events off; a test wants them, and every wait.
      recording.enable("io.tether.TaskStart");
      recording.enable("io.tether.TaskEnd");
      recording.enable("io.tether.LongWait").withThreshold(Duration.ZERO);
      recording.start();
      // The sink follows the recordings: on while one runs (the first spawn installs the follower).
      try (Scope warm = Scope.open(Context.background(), "jfr-warm")) {
        warm.go(c -> {});
      }
      assertThat(Hooks.active()).isTrue();

      Channel<String> jobs = Channel.unbuffered("jfr-jobs");
      CancellableContext parent = Context.background().withCancel();
      try (Scope scope = Scope.supervised(parent, "jfr")) {
        Task<String> receiver = scope.spawn("receiver", c -> jobs.receive(c));
        awaitWaiting(receiver, "chan receive");
        jobs.send("x");
        assertThat(receiver.join()).isEqualTo("x");

        Task<Void> failer =
            scope.go(
                "failer",
                c -> {
                  throw new IllegalStateException("boom");
                });
        assertThatThrownBy(failer::join).hasRootCauseMessage("boom");

        Task<Void> w1 = scope.go("waiter-1", JfrEventsTest::awaitCancel);
        Task<Void> w2 = scope.go("waiter-2", JfrEventsTest::awaitCancel);
        awaitWaiting(w1, "ctx.await");
        awaitWaiting(w2, "ctx.await");
        parent.cancel(new IllegalStateException("enough"));
        assertThatThrownBy(scope::join).isInstanceOf(CancellationException.class);
      }

      CountDownLatch release = new CountDownLatch(1);
      Scope stubborn = Scope.open(Context.background(), "jfr-stop");
      Task<Void> s =
          stubborn.go(
              "stubborn",
              c -> {
                while (release.getCount() > 0) {
                  try {
                    release.await();
                  } catch (InterruptedException ignored) {
                    // deliberately deaf to the cancel: a straggler
                  }
                }
              });
      awaitBlockedOn(s);
      StopReport report = stubborn.stop(Duration.ZERO);
      assertThat(report.stragglers()).hasSize(1);
      release.countDown();
      s.join();

      recording.stop();
      Path file = Files.createTempFile("tether", ".jfr");
      try {
        recording.dump(file);
        events = RecordingFile.readAllEvents(file);
      } finally {
        Files.delete(file);
      }
    }
    assertThat(Hooks.active()).as("no recording runs: nobody listens").isFalse();

    assertThat(only(events, "io.tether.TaskStart", "jfr/"))
        .extracting(e -> e.getString("path"))
        .containsExactlyInAnyOrder("jfr/receiver", "jfr/failer", "jfr/waiter-1", "jfr/waiter-2");
    assertThat(only(events, "io.tether.TaskStart", "jfr/receiver").get(0).getString("spawnSite"))
        .contains("JfrEventsTest");
    assertThat(only(events, "io.tether.TaskEnd", "jfr/"))
        .extracting(e -> e.getString("path") + " " + e.getString("outcome"))
        .containsExactlyInAnyOrder(
            "jfr/receiver SUCCEEDED",
            "jfr/failer FAILED",
            "jfr/waiter-1 CANCELLED",
            "jfr/waiter-2 CANCELLED");
    assertThat(only(events, "io.tether.TaskEnd", "jfr/failer").get(0).getString("failure"))
        .contains("boom");

    List<RecordedEvent> cancels =
        events.stream()
            .filter(e -> e.getEventType().getName().equals("io.tether.ContextCancelled"))
            .filter(e -> String.valueOf(e.getString("cause")).contains("enough"))
            .toList();
    assertThat(cancels).hasSize(1);
    assertThat(cancels.get(0).getInt("tasksReached")).isEqualTo(2);
    assertThat(cancels.get(0).getBoolean("deadline")).isFalse();
    assertThat(cancels.get(0).getStackTrace()).isNotNull();

    assertThat(events)
        .filteredOn(e -> e.getEventType().getName().equals("io.tether.LongWait"))
        .anySatisfy(e -> {
          assertThat(e.getString("reason")).isEqualTo("chan receive");
          assertThat(e.getString("target")).contains("jfr-jobs");
        });

    assertThat(events)
        .filteredOn(e -> e.getEventType().getName().equals("io.tether.StopStraggler"))
        .singleElement()
        .satisfies(e -> assertThat(e.getString("path")).isEqualTo("jfr-stop/stubborn"));
  }

  @Test
  void everyEventIsOffByDefault() {
    // Registering makes the types visible without a recording; each must default to disabled.
    List<Class<? extends jdk.jfr.Event>> types =
        List.of(
            JfrEvents.TaskStart.class,
            JfrEvents.TaskEnd.class,
            JfrEvents.ContextCancelled.class,
            JfrEvents.LongWait.class,
            JfrEvents.StopStraggler.class,
            JfrEvents.SupervisorRestart.class,
            JfrEvents.LeakSuspected.class);
    for (Class<? extends jdk.jfr.Event> type : types) {
      EventType t = EventType.getEventType(type);
      assertThat(t.getName()).startsWith("io.tether.");
      assertThat(t.isEnabled()).as(t.getName()).isFalse();
    }
    assertThat(FlightRecorder.isAvailable()).isTrue();
  }

  private static List<RecordedEvent> only(List<RecordedEvent> events, String type, String path) {
    return events.stream()
        .filter(e -> e.getEventType().getName().equals(type))
        .filter(e -> String.valueOf(e.getString("path")).startsWith(path))
        .toList();
  }

  private static void awaitCancel(Context c) throws InterruptedException {
    c.await();
    c.throwIfDone();
  }

  private static void awaitBlockedOn(Task<?> task) {
    Bounded.until(
        task + " blocked",
        () -> task.thread != null && task.thread.getState() == Thread.State.WAITING);
  }
}
