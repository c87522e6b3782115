package io.tether;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    final ArrayDeque<Object> open = new ArrayDeque<>(); // RUNNING or a wait's reason
    boolean started;

    Track(int pid, long tid, String name) {
      this.pid = pid;
      this.tid = tid;
      this.name = name;
    }
  }

  private static final Object RUNNING = new Object();

  /** What the trace knows of a task: its name and its owner's path. */
  private record Known(String name, String owner) {}

  private final Map<String, Integer> pids = new LinkedHashMap<>();
  private final Map<Object, Track> tracks = new LinkedHashMap<>(); // task id (Long) or "t<id>"
  private final Map<Long, Long> taskOfThread = new HashMap<>(); // thread id -> task id
  private final Map<Long, Known> known = new HashMap<>(); // task id -> name, owner path
  private final Map<Long, Thread> platformThreads = new HashMap<>();
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
        taskOfThread.put(info.thread().threadId(), info.id());
        String owner =
            info.path().endsWith("/" + info.name())
                ? info.path().substring(0, info.path().length() - info.name().length() - 1)
                : info.path();
        known.put(info.id(), new Known(info.name(), owner));
      }
    }
    // Pre-pass: names and owners of the tasks, which thread runs which task, which tasks each
    // cancellation reached, and which tasks started within the trace.
    Map<ContextErrors.Done, List<TraceRecorder.Event>> reached = new IdentityHashMap<>();
    Set<Long> startedIds = new HashSet<>();
    Map<TraceRecorder.Event, Integer> position = new IdentityHashMap<>();
    Map<Scope, String> scopePaths = new IdentityHashMap<>();
    for (TraceRecorder.Event e : snap.events()) {
      position.put(e, position.size());
      if (e.platformThread() != null) {
        platformThreads.putIfAbsent(e.threadId(), e.platformThread());
      }
      switch (e.kind()) {
        case SPAWN -> {
          String name = e.b() != null ? (String) e.b() : "task-" + e.task();
          String owner = scopePaths.computeIfAbsent((Scope) e.a(), Scope::path);
          known.put(e.task(), new Known(name, owner));
        }
        case START -> {
          startedIds.add(e.task());
          taskOfThread.put(e.threadId(), e.task());
        }
        case CANCEL_REACHED ->
            reached.computeIfAbsent((ContextErrors.Done) e.a(), k -> new ArrayList<>()).add(e);
        default -> {}
      }
    }
    Map<TraceRecorder.Event, Long> reachFlow = new IdentityHashMap<>();
    Map<Long, Long> spawnFlow = new HashMap<>();

    for (TraceRecorder.Event e : snap.events()) {
      long ts = e.nanos();
      switch (e.kind()) {
        case SPAWN -> {
          long child = e.task();
          Track from = trackOfThread(e.threadId());
          taskTrack(child, false);
          Known k = known.get(child);
          String args = "{\"child\":" + child + ",\"path\":" + str(k.owner + "/" + k.name) + "}";
          slice(from, ts, "spawn " + k.name, "spawn", args);
          if (startedIds.contains(child)) { // an arrow only to a start in this trace
            long flow = ++flowIds;
            spawnFlow.put(child, flow);
            flow(from, ts, 's', flow, "spawn");
          }
          end(from, ts, null);
        }
        case START -> {
          Track tr = taskTrack(e.task(), false);
          if (!tr.started) {
            open(tr, ts, RUNNING, "running", "task", null);
          }
          Long flow = spawnFlow.remove(e.task());
          if (flow != null) {
            flow(tr, ts, 'f', flow, "spawn");
          }
        }
        case END -> {
          Track tr = taskTrack(e.task(), true);
          while (!tr.open.isEmpty()) {
            Object top = tr.open.pop();
            String outcome = "{\"outcome\":" + str(String.valueOf(e.a())) + "}";
            end(tr, ts, top == RUNNING ? outcome : "{\"open\":true}");
          }
        }
        case WAIT_BEGIN -> {
          Track tr = trackOfThread(e.threadId());
          if (tr.open.peek() instanceof String) {
            tr.open.pop(); // its end was not reported (a wait outside the hooked ones)
            end(tr, ts, "{\"open\":true}");
          }
          String reason = (String) e.a();
          open(tr, ts, reason, reason, "wait", "{\"target\":" + str(String.valueOf(e.b())) + "}");
        }
        case WAIT_END -> {
          Track tr = trackOfThread(e.threadId());
          if (tr.open.peek() instanceof String reason && reason.equals(e.a())) {
            tr.open.pop();
            end(tr, ts, null);
          }
        }
        case CANCEL -> {
          ContextErrors.Done d = (ContextErrors.Done) e.b();
          List<TraceRecorder.Event> hit = reached.getOrDefault(d, List.of());
          Track from = trackOfThread(e.threadId());
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
          Track tr = taskTrack(e.task(), true);
          Long flow = reachFlow.get(e); // null if its root is not in the trace, or came later
          instant(tr, ts, "cancelled", "cancel", null);
          if (flow != null) {
            flow(tr, ts, 'f', flow, "cancel");
          }
        }
        case STRAGGLER -> instant(taskTrack(e.task(), true), ts, "straggler", "stop", null);
        case RESTART ->
            instant(
                trackOfThread(e.threadId()),
                ts,
                "restart " + e.b(),
                "supervisor",
                "{\"supervisor\":" + str(String.valueOf(e.a())) + "}");
        case LEAK -> {
          Track tr = tracks.get(e.task());
          instant(
              tr != null ? tr : trackOfThread(e.threadId()),
              ts,
              "leak suspected",
              "leak",
              "{\"task\":"
                  + str(String.valueOf(e.a()))
                  + ",\"why\":"
                  + str(String.valueOf(e.b()))
                  + "}");
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
   * The track of task {@code id}, made on first use. {@code midway}: the event is from inside the
   * task (a wait, its end), so if its start was not recorded it began before the trace: its running
   * slice opens at the trace's start.
   */
  private Track taskTrack(long id, boolean midway) {
    Track tr = tracks.get(id);
    if (tr == null) {
      Known k = known.get(id);
      tr =
          k != null
              ? new Track(pid(k.owner), id, k.name + " #" + id)
              : new Track(pid(UNKNOWN_OWNER), id, "task #" + id);
      tracks.put(id, tr);
      if (midway) {
        open(tr, startNanos, RUNNING, "running", "task", "{\"startedBeforeTrace\":true}");
      }
    }
    return tr;
  }

  private Track trackOfThread(long threadId) {
    Long taskId = taskOfThread.get(threadId);
    if (taskId != null) {
      return taskTrack(taskId, true);
    }
    return tracks.computeIfAbsent(
        "t" + threadId,
        k -> {
          Thread t = platformThreads.get(threadId);
          String name =
              t == null ? "virtual thread" : t.getName().isEmpty() ? "thread" : t.getName();
          return new Track(pid(OUTSIDE), threadId, name + " #" + threadId);
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
