package io.tether;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a recording as Chrome Trace Event JSON (the format Perfetto UI and {@code
 * chrome://tracing} open): {@code {"traceEvents":[...],"displayTimeUnit":"ms","otherData":{...}}}.
 *
 * <p>Mapping: one track ({@code tid}) per task, grouped into one process ({@code pid}) per owner
 * path, so a scope's tasks sit together; threads outside tasks (a {@code main} that spawns, joins
 * or cancels) get tracks in a process of their own. On a task's track a {@code running} slice spans
 * start to end, and each wait is a slice inside it, named by its reason ({@code chan receive},
 * {@code select}, {@code ctx.await}, ...) with its target in {@code args}. Spawns and cancels are
 * zero-length slices on the acting track with flow arrows ({@code ph} {@code s} -> {@code f}) to
 * the child's start and to every task the cancellation reached. Timestamps are microseconds since
 * the recording began.
 *
 * <p>Guarantees (checked by TraceTest): every event has name, ph, ts, pid and tid; on each track
 * the B/E pairs balance and nest, and timestamps never decrease; every flow start has its end. A
 * slice whose end was not recorded (dropped, or a wait whose end the core does not report) ends
 * where the next one on its track begins, or at the end of the trace, with {@code "open": true}.
 */
final class TraceJson {
  private TraceJson() {}

  private static final String OUTSIDE = "(threads outside tasks)";

  /** The process of tasks whose owner is not known (not a tid space shared with threads). */
  private static final String UNKNOWN_OWNER = "(owner not recorded)";

  /** One output event, to be sorted per track by time, then by emission order. */
  private record Out(long nanos, long order, String json) {}

  private static final class Track {
    final int pid;
    final long tid;
    final String name;
    final List<Out> out = new ArrayList<>();
    final ArrayDeque<Object> open = new ArrayDeque<>(); // RUNNING or a Waits.Wait
    boolean started;

    Track(int pid, long tid, String name) {
      this.pid = pid;
      this.tid = tid;
      this.name = name;
    }
  }

  private static final Object RUNNING = new Object();

  private final Map<String, Integer> pids = new LinkedHashMap<>();
  private final Map<Object, Track> tracks = new LinkedHashMap<>(); // by task id (Long) or Thread
  private final Map<Thread, Long> taskOfThread = new HashMap<>();
  private final Map<Long, String[]> knownBefore = new HashMap<>(); // id -> {name, owner path}
  private long order;
  private long flowIds;
  private long startNanos;

  static String write(
      TraceRecorder.Snapshot snap, long startNanos, long endNanos, List<TaskInfo> before) {
    TraceJson w = new TraceJson();
    w.startNanos = startNanos;
    return w.render(snap, endNanos, before);
  }

  private String render(TraceRecorder.Snapshot snap, long endNanos, List<TaskInfo> before) {
    pids.put(OUTSIDE, 1);
    for (TaskInfo info : before) {
      if (info.kind() == TaskInfo.Kind.TASK && info.thread() != null) {
        taskOfThread.put(info.thread(), info.id());
        String owner =
            info.path().endsWith("/" + info.name())
                ? info.path().substring(0, info.path().length() - info.name().length() - 1)
                : info.path();
        knownBefore.put(info.id(), new String[] {info.name(), owner});
      }
    }
    // Pre-pass: which thread runs which task; which tasks each cancellation reached.
    Map<ContextErrors.Done, List<TraceRecorder.Event>> reached = new IdentityHashMap<>();
    for (TraceRecorder.Event e : snap.events()) {
      if (e.a() instanceof Task<?> t && t.thread != null) {
        taskOfThread.put(t.thread, t.id);
      }
      if (e.kind() == TraceRecorder.Kind.CANCEL_REACHED) {
        reached.computeIfAbsent((ContextErrors.Done) e.b(), k -> new ArrayList<>()).add(e);
      }
    }
    java.util.Set<Long> startedIds = new java.util.HashSet<>();
    for (TraceRecorder.Event e : snap.events()) {
      if (e.kind() == TraceRecorder.Kind.START) {
        startedIds.add(((Task<?>) e.a()).id);
      }
    }
    Map<TraceRecorder.Event, Integer> position = new IdentityHashMap<>();
    for (TraceRecorder.Event e : snap.events()) {
      position.put(e, position.size());
    }
    Map<TraceRecorder.Event, Long> reachFlow = new IdentityHashMap<>();
    Map<Long, Long> spawnFlow = new HashMap<>();

    for (TraceRecorder.Event e : snap.events()) {
      long ts = e.nanos();
      switch (e.kind()) {
        case SPAWN -> {
          Task<?> child = (Task<?>) e.a();
          Track from = trackOfThread(e.thread());
          taskTrack(child, false);
          String args = "{\"child\":" + child.id + ",\"path\":" + str(child.path()) + "}";
          slice(from, ts, "spawn " + child.name(), "spawn", args);
          if (startedIds.contains(child.id)) { // an arrow only to a start in this trace
            long flow = ++flowIds;
            spawnFlow.put(child.id, flow);
            flow(from, ts, 's', flow, "spawn");
          }
          end(from, ts, null);
        }
        case START -> {
          Task<?> t = (Task<?>) e.a();
          Track tr = taskTrack(t, false);
          if (!tr.started) {
            open(tr, ts, RUNNING, "running", "task", null);
          }
          Long flow = spawnFlow.remove(t.id);
          if (flow != null) {
            flow(tr, ts, 'f', flow, "spawn");
          }
        }
        case END -> {
          Task<?> t = (Task<?>) e.a();
          Track tr = taskTrack(t, true);
          while (!tr.open.isEmpty()) {
            Object top = tr.open.pop();
            String outcome = "{\"outcome\":" + str(String.valueOf(e.b())) + "}";
            end(tr, ts, top == RUNNING ? outcome : "{\"open\":true}");
          }
        }
        case WAIT_BEGIN -> {
          Waits.Wait w = (Waits.Wait) e.a();
          Track tr = trackOfThread(e.thread());
          if (tr.open.peek() instanceof Waits.Wait) {
            tr.open.pop(); // its end was not reported (a wait outside the hooked ones)
            end(tr, ts, "{\"open\":true}");
          }
          open(
              tr,
              ts,
              w,
              w.reason(),
              "wait",
              "{\"target\":" + str(String.valueOf(w.target())) + "}");
        }
        case WAIT_END -> {
          Track tr = trackOfThread(e.thread());
          if (tr.open.peek() == e.a()) {
            tr.open.pop();
            end(tr, ts, null);
          }
        }
        case CANCEL -> {
          ContextErrors.Done d = (ContextErrors.Done) e.b();
          List<TraceRecorder.Event> hit = reached.getOrDefault(d, List.of());
          Track from = trackOfThread(e.thread());
          Throwable cause = d.cause();
          String args =
              "{\"context\":"
                  + str(String.valueOf(e.a()))
                  + ",\"cause\":"
                  + str(cause != null ? cause.toString() : d.message())
                  + ",\"deadline\":"
                  + d.deadlineExceeded()
                  + ",\"tasksReached\":"
                  + hit.size()
                  + "}";
          slice(from, ts, "cancel", "cancel", args);
          for (TraceRecorder.Event r : hit) {
            if (position.get(r) > position.get(e)) { // an arrow only to a reach replayed later
              long flow = ++flowIds;
              reachFlow.put(r, flow);
              flow(from, ts, 's', flow, "cancel");
            }
          }
          end(from, ts, null);
        }
        case CANCEL_REACHED -> {
          Task<?> t = (Task<?>) ((CancelNode) e.a()).owner();
          Track tr = taskTrack(t, true);
          Long flow = reachFlow.get(e); // null if its root is not in the trace, or came later
          instant(tr, ts, "cancelled", "cancel", null);
          if (flow != null) {
            flow(tr, ts, 'f', flow, "cancel");
          }
        }
        case STRAGGLER -> {
          Task<?> t = (Task<?>) e.a();
          instant(taskTrack(t, true), ts, "straggler", "stop", null);
        }
        case RESTART ->
            instant(
                trackOfThread(e.thread()),
                ts,
                "restart " + e.b(),
                "supervisor",
                "{\"supervisor\":" + str(String.valueOf(e.a())) + "}");
        case LEAK -> {
          TaskInfo info = (TaskInfo) e.a();
          Track tr = tracks.get(info.id());
          instant(
              tr != null ? tr : trackOfThread(e.thread()),
              ts,
              "leak suspected",
              "leak",
              "{\"task\":" + str(info.toString()) + ",\"why\":" + str(String.valueOf(e.b())) + "}");
        }
      }
    }
    for (Track tr : tracks.values()) {
      while (!tr.open.isEmpty()) {
        tr.open.pop();
        end(tr, endNanos, "{\"open\":true}");
      }
    }
    return json(snap, endNanos);
  }

  private String json(TraceRecorder.Snapshot snap, long endNanos) {
    StringBuilder sb = new StringBuilder(128 + 160 * snap.events().size());
    sb.append("{\"traceEvents\":[");
    boolean first = true;
    for (Map.Entry<String, Integer> p : pids.entrySet()) {
      first = comma(sb, first);
      sb.append("{\"name\":\"process_name\",\"ph\":\"M\",\"ts\":0,\"pid\":")
          .append(p.getValue())
          .append(",\"tid\":0,\"args\":{\"name\":")
          .append(str(p.getKey()))
          .append("}}");
    }
    for (Track tr : tracks.values()) {
      first = comma(sb, first);
      sb.append("{\"name\":\"thread_name\",\"ph\":\"M\",\"ts\":0,\"pid\":")
          .append(tr.pid)
          .append(",\"tid\":")
          .append(tr.tid)
          .append(",\"args\":{\"name\":")
          .append(str(tr.name))
          .append("}}");
    }
    for (Track tr : tracks.values()) {
      tr.out.sort(Comparator.comparingLong(Out::nanos).thenComparingLong(Out::order));
      for (Out o : tr.out) {
        first = comma(sb, first);
        sb.append(o.json);
      }
    }
    sb.append("],\"displayTimeUnit\":\"ms\",\"otherData\":{\"recorder\":\"tether\"")
        .append(",\"durationMicros\":")
        .append(micros(endNanos))
        .append(",\"events\":")
        .append(snap.events().size())
        .append(",\"dropped\":")
        .append(snap.dropped())
        .append(",\"lostInFlight\":")
        .append(snap.lostInFlight())
        .append(",\"completeFromMicros\":")
        .append(micros(snap.completeFromNanos()));
    sb.append("}}");
    return sb.toString();
  }

  private static boolean comma(StringBuilder sb, boolean first) {
    if (!first) {
      sb.append(',');
    }
    return false;
  }

  // ---- tracks ----

  private int pid(String ownerPath) {
    return pids.computeIfAbsent(ownerPath, k -> pids.size() + 1);
  }

  /**
   * The track of {@code t}, made on first use. {@code midway}: the event is from inside the task (a
   * wait, its end), so if its start was not recorded it began before the trace: its running slice
   * opens at the trace's start.
   */
  private Track taskTrack(Task<?> t, boolean midway) {
    Track tr = tracks.get(t.id);
    if (tr == null) {
      tr = new Track(pid(t.scope.path()), t.id, t.name() + " #" + t.id);
      tracks.put(t.id, tr);
      if (midway) {
        open(tr, startNanos, RUNNING, "running", "task", "{\"startedBeforeTrace\":true}");
      }
    }
    return tr;
  }

  private Track trackOfThread(Thread thread) {
    Long taskId = taskOfThread.get(thread);
    if (taskId != null) {
      Track tr = tracks.get(taskId);
      if (tr == null) {
        String[] known = knownBefore.get(taskId);
        tr =
            known != null
                ? new Track(pid(known[1]), taskId, known[0] + " #" + taskId)
                : new Track(pid(UNKNOWN_OWNER), taskId, "task #" + taskId);
        tracks.put(taskId, tr);
        open(tr, startNanos, RUNNING, "running", "task", "{\"startedBeforeTrace\":true}");
      }
      return tr;
    }
    return tracks.computeIfAbsent(
        thread,
        k -> {
          String name = thread.getName().isEmpty() ? "thread" : thread.getName();
          return new Track(pid(OUTSIDE), thread.threadId(), name + " #" + thread.threadId());
        });
  }

  // ---- events ----

  private void open(Track tr, long nanos, Object key, String name, String cat, String args) {
    if (key == RUNNING) {
      tr.started = true;
    }
    tr.open.push(key);
    slice(tr, nanos, name, cat, args);
  }

  /** A B event (the caller pairs it with {@link #end}). */
  private void slice(Track tr, long nanos, String name, String cat, String args) {
    add(tr, nanos, head(name, cat, 'B', nanos, tr) + (args == null ? "" : ",\"args\":" + args));
  }

  private void end(Track tr, long nanos, String args) {
    add(tr, nanos, head(null, null, 'E', nanos, tr) + (args == null ? "" : ",\"args\":" + args));
  }

  private void instant(Track tr, long nanos, String name, String cat, String args) {
    add(
        tr,
        nanos,
        head(name, cat, 'i', nanos, tr)
            + ",\"s\":\"t\""
            + (args == null ? "" : ",\"args\":" + args));
  }

  private void flow(Track tr, long nanos, char ph, long id, String name) {
    add(
        tr,
        nanos,
        head(name, name, ph, nanos, tr) + ",\"id\":" + id + (ph == 'f' ? ",\"bp\":\"e\"" : ""));
  }

  private void add(Track tr, long nanos, String fields) {
    tr.out.add(new Out(Math.max(nanos, startNanos), order++, "{" + fields + "}"));
  }

  private String head(String name, String cat, char ph, long nanos, Track tr) {
    StringBuilder sb = new StringBuilder(96);
    sb.append("\"name\":").append(str(name == null ? "" : name));
    if (cat != null) {
      sb.append(",\"cat\":").append(str(cat));
    }
    sb.append(",\"ph\":\"")
        .append(ph)
        .append("\",\"ts\":")
        .append(micros(nanos))
        .append(",\"pid\":")
        .append(tr.pid)
        .append(",\"tid\":")
        .append(tr.tid);
    return sb.toString();
  }

  /** Microseconds since the start, with nanosecond digits: {@code 1234.567}. */
  private String micros(long nanos) {
    long n = Math.max(0, nanos - startNanos);
    long frac = n % 1000;
    return (n / 1000) + "." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + frac;
  }

  /** A JSON string literal: quotes, backslashes, control characters and lone surrogates escaped. */
  static String str(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          boolean lone =
              Character.isHighSurrogate(c)
                  ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                  : Character.isLowSurrogate(c)
                      && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
          if (c < 0x20 || lone || c == '\u2028' || c == '\u2029') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
