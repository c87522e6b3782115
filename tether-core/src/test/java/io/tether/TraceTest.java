package io.tether;

import static io.tether.ScopeTest.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tether.testing.Bounded;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/**
 * Task lifelines: a scripted scenario (a producer, two workers on a channel, a cancel) exported as
 * Chrome Trace Event JSON, checked against the format and against what happened.
 */
class TraceTest {

  @Test
  void producerTwoWorkersAndACancelShowAsLifelines() throws Exception {
    List<String> got = Collections.synchronizedList(new ArrayList<>());
    Trace trace;
    try (Trace.Recording rec = Trace.start()) {
      Channel<String> jobs = Channel.unbuffered("jobs");
      CancellableContext job = Context.background().withCancel();
      try (Scope scope = Scope.open(job, "pipeline")) {
        Task<Void> w1 = scope.go("worker-1", c -> work(c, jobs, got));
        Task<Void> w2 = scope.go("worker-2", c -> work(c, jobs, got));
        awaitWaiting(w1, "chan receive");
        awaitWaiting(w2, "chan receive");
        Task<Void> producer = scope.go("producer", c -> jobs.send(c, "job-1"));
        producer.join();
        Bounded.until("job-1 received", () -> got.size() == 1);
        awaitWaiting(w1, "chan receive");
        awaitWaiting(w2, "chan receive");
        job.cancel(new IllegalStateException("shutting down"));
        assertThatThrownBy(scope::join).isInstanceOf(CancellationException.class);
      }
      trace = rec.stop();
    }
    assertThat(trace.dropped()).isZero();
    Parsed p = checkFormat(trace.toJson());

    String receiver = got.get(0).substring(0, got.get(0).indexOf(':'));
    String idle = receiver.equals("worker-1") ? "worker-2" : "worker-1";
    Track producer = p.track("producer");
    Track busy = p.track(receiver);
    Track other = p.track(idle);
    assertThat(p.processName(busy.pid)).isEqualTo("pipeline");
    assertThat(p.processName(producer.pid)).isEqualTo("pipeline");

    Slice produced = producer.only("running");
    Slice firstWait = busy.slices("chan receive").get(0);
    assertThat(firstWait.args.get("target").toString()).contains("jobs");
    // The receiver's wait began before the producer existed, and ended only once it had sent.
    assertThat(firstWait.begin).isLessThan(produced.begin);
    assertThat(firstWait.end).isGreaterThanOrEqualTo(produced.begin);
    assertThat(busy.slices("chan receive")).hasSize(2); // and it waited again for the next one

    // The idle worker waited through it all; the cancel ended its wait.
    Slice idleWait = other.only("chan receive");
    Map<String, Object> cancel = p.only("cancel");
    double cancelTs = ((Number) cancel.get("ts")).doubleValue();
    assertThat(idleWait.begin).isLessThan(produced.begin);
    assertThat(idleWait.end).isGreaterThanOrEqualTo(cancelTs);
    assertThat(busy.only("running").endArgs.get("outcome")).isEqualTo("CANCELLED");
    assertThat(other.only("running").endArgs.get("outcome")).isEqualTo("CANCELLED");
    assertThat(produced.endArgs.get("outcome")).isEqualTo("SUCCEEDED");

    @SuppressWarnings("unchecked")
    Map<String, Object> cancelArgs = (Map<String, Object>) cancel.get("args");
    assertThat(cancelArgs.get("cause").toString()).contains("shutting down");
    assertThat(cancelArgs.get("tasksReached")).isEqualTo(2);
    // Arrows: the cancel to both workers; the spawns to each of the three tasks.
    assertThat(p.flowEnds("cancel")).containsExactlyInAnyOrder(busy.key(), other.key());
    assertThat(p.flowEnds("spawn"))
        .containsExactlyInAnyOrder(busy.key(), other.key(), producer.key());
  }

  @Test
  void aFullRingDropsTheOldestAndSaysSoWhileTheTraceStaysWellFormed() throws Exception {
    Trace trace;
    try (Trace.Recording rec = Trace.start(16)) {
      try (Scope scope = Scope.open(Context.background(), "many")) {
        for (int i = 0; i < 200; i++) {
          scope.go("t" + i, c -> {});
        }
        scope.join();
      }
      trace = rec.stop();
      assertThat(rec.stop()).isSameAs(trace);
      assertThat(rec.isRecording()).isFalse();
    }
    assertThat(trace.dropped()).isGreaterThan(0); // 200 spawns on one thread overflow its stripe
    Map<String, Object> root = JSON.std.mapFrom(trace.toJson());
    @SuppressWarnings("unchecked")
    Map<String, Object> other = (Map<String, Object>) root.get("otherData");
    assertThat(((Number) other.get("dropped")).longValue()).isEqualTo(trace.dropped());
    assertThat(((Number) other.get("events")).longValue()).isEqualTo(trace.eventCount());
    assertThat(((Number) other.get("completeFromMicros")).doubleValue()).isPositive();
    checkFormat(trace.toJson());
  }

  @Test
  void namesAreEscapedSoTheJsonParsesBackToThem() throws Exception {
    String nasty = "say \"hi\"\\ \n\t\u0001 \u00e9 \ud83d\ude00 lone \ud800 end";
    Trace trace;
    try (Trace.Recording rec = Trace.start()) {
      try (Scope scope = Scope.open(Context.background(), "esc")) {
        scope.go(nasty, c -> {});
      }
      trace = rec.stop();
    }
    Parsed p = checkFormat(trace.toJson());
    assertThat(p.names.keySet()).anyMatch(n -> n.startsWith(nasty + " #"));
    assertThat(JSON.std.anyFrom(TraceJson.str(nasty))).isEqualTo(nasty);
  }

  @Test
  void recordReturnsEarlyWhenItsContextIsDoneAndRefusesBadArguments() throws Exception {
    CancellableContext done = Context.background().withCancel();
    done.cancel();
    Trace t = Trace.record(done, Duration.ofHours(1));
    assertThat(t.duration()).isLessThan(Duration.ofHours(1));
    checkFormat(t.toJson());
    assertThat(t.toString()).startsWith("Trace[");
    assertThatThrownBy(() -> Trace.record(done, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Trace.start(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
    Trace.Recording discarded = Trace.start();
    discarded.close();
    assertThatThrownBy(discarded::stop)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(Hooks.active()).isFalse();
  }

  private static void work(Context c, Channel<String> jobs, List<String> got)
      throws InterruptedException {
    String me = Thread.currentThread().getName();
    while (true) {
      String v = jobs.receive(c);
      got.add(nameOf(c) + ":" + v + me);
    }
  }

  private static String nameOf(Context c) {
    // A task's context is labelled ...task(<name>); this scenario's names have no parentheses.
    String s = c.toString();
    int i = s.lastIndexOf("task(");
    return s.substring(i + 5, s.indexOf(')', i));
  }

  // ---- format checks ----

  /** A slice on a track: B and its matching E. */
  record Slice(
      String name,
      double begin,
      double end,
      Map<String, Object> args,
      Map<String, Object> endArgs) {}

  record Track(long pid, long tid, List<Slice> all) {
    List<Slice> slices(String name) {
      return all.stream().filter(s -> s.name.equals(name)).toList();
    }

    Slice only(String name) {
      List<Slice> s = slices(name);
      assertThat(s).as("slices named " + name).hasSize(1);
      return s.get(0);
    }

    String key() {
      return pid + "/" + tid;
    }
  }

  static final class Parsed {
    final List<Map<String, Object>> events;
    final Map<String, String> names = new HashMap<>(); // thread name -> pid/tid
    final Map<Long, String> processes = new HashMap<>();
    final Map<String, List<Slice>> slices = new LinkedHashMap<>();

    Parsed(List<Map<String, Object>> events) {
      this.events = events;
    }

    Track track(String taskName) {
      String key =
          names.entrySet().stream()
              .filter(e -> e.getKey().startsWith(taskName + " #"))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no track for " + taskName + " in " + names));
      String[] pt = key.split("/");
      return new Track(
          Long.parseLong(pt[0]), Long.parseLong(pt[1]), slices.getOrDefault(key, List.of()));
    }

    String processName(long pid) {
      return processes.get(pid);
    }

    Map<String, Object> only(String name) {
      List<Map<String, Object>> b =
          events.stream()
              .filter(e -> name.equals(e.get("name")) && "B".equals(e.get("ph")))
              .toList();
      assertThat(b).as("B events named " + name).hasSize(1);
      return b.get(0);
    }

    /** The tracks (pid/tid) where the flows of category {@code cat} end. */
    List<String> flowEnds(String cat) {
      return events.stream()
          .filter(e -> "f".equals(e.get("ph")) && cat.equals(e.get("cat")))
          .map(e -> e.get("pid") + "/" + e.get("tid"))
          .toList();
    }
  }

  /**
   * Checks the Chrome Trace Event format: required fields, balanced and nested B/E per track,
   * timestamps non-decreasing per track, every flow start with exactly one end.
   */
  @SuppressWarnings("unchecked")
  static Parsed checkFormat(String json) throws Exception {
    Map<String, Object> root = JSON.std.mapFrom(json);
    assertThat(root).containsKeys("traceEvents", "otherData");
    List<Map<String, Object>> events = (List<Map<String, Object>>) root.get("traceEvents");
    Parsed p = new Parsed(events);
    Map<String, Double> lastTs = new HashMap<>();
    Map<String, ArrayDeque<Map<String, Object>>> open = new HashMap<>();
    Map<Object, int[]> flows = new HashMap<>();
    for (Map<String, Object> e : events) {
      assertThat(e).as("event " + e).containsKeys("name", "ph", "ts", "pid", "tid");
      assertThat(e.get("ts")).as("ts of " + e).isInstanceOf(Number.class);
      String ph = (String) e.get("ph");
      String key = e.get("pid") + "/" + e.get("tid");
      double ts = ((Number) e.get("ts")).doubleValue();
      if (ph.equals("M")) {
        Map<String, Object> args = (Map<String, Object>) e.get("args");
        if (e.get("name").equals("thread_name")) {
          p.names.put((String) args.get("name"), key);
        } else if (e.get("name").equals("process_name")) {
          p.processes.put(((Number) e.get("pid")).longValue(), (String) args.get("name"));
        }
        continue;
      }
      Double last = lastTs.put(key, ts);
      assertThat(last == null || last <= ts)
          .as("ts non-decreasing on " + key + " at " + e)
          .isTrue();
      switch (ph) {
        case "B" -> open.computeIfAbsent(key, k -> new ArrayDeque<>()).push(e);
        case "E" -> {
          ArrayDeque<Map<String, Object>> stack = open.get(key);
          assertThat(stack).as("E without B on " + key + ": " + e).isNotNull().isNotEmpty();
          Map<String, Object> b = stack.pop();
          p.slices
              .computeIfAbsent(key, k -> new ArrayList<>())
              .add(
                  new Slice(
                      (String) b.get("name"),
                      ((Number) b.get("ts")).doubleValue(),
                      ts,
                      b.containsKey("args") ? (Map<String, Object>) b.get("args") : Map.of(),
                      e.containsKey("args") ? (Map<String, Object>) e.get("args") : Map.of()));
        }
        case "s" -> flows.computeIfAbsent(e.get("id"), k -> new int[2])[0]++;
        case "f" -> flows.computeIfAbsent(e.get("id"), k -> new int[2])[1]++;
        case "i" -> assertThat(e).containsKey("s");
        default -> throw new AssertionError("unexpected phase " + ph + " in " + e);
      }
    }
    open.forEach((k, stack) -> assertThat(stack).as("unbalanced B on " + k).isEmpty());
    flows.forEach((id, n) -> assertThat(n).as("flow " + id + " start/end").containsExactly(1, 1));
    return p;
  }
}
