package io.tether;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Turns a registry snapshot into the text or JSON of {@link Tasks#dump(DumpFormat)}. */
final class Dumps {
  private Dumps() {}

  /** How many member names a group lists before "and N more". */
  private static final int NAMES_PER_GROUP = 3;

  static String format(List<TaskInfo> infos, DumpFormat format, Instant now) {
    return switch (format) {
      case GROUPED -> grouped(infos, now);
      case FULL -> full(infos, now);
      case TREE -> tree(infos, now);
      case JSON -> json(infos, now);
    };
  }

  // ---- text ----

  /** {@code Tether dump at <now>: 2 scopes, 10000 tasks, 1 ticker}. */
  private static StringBuilder header(List<TaskInfo> infos, Instant now, String shape) {
    Map<TaskInfo.Kind, Integer> counts = new EnumMap<>(TaskInfo.Kind.class);
    for (TaskInfo i : infos) {
      counts.merge(i.kind(), 1, Integer::sum);
    }
    StringBuilder sb = new StringBuilder("Tether dump at ").append(now).append(": ");
    if (counts.isEmpty()) {
      return sb.append("nothing live\n");
    }
    String sep = "";
    for (Map.Entry<TaskInfo.Kind, Integer> e : counts.entrySet()) {
      String kind = e.getKey().name().toLowerCase(Locale.ROOT);
      sb.append(sep).append(e.getValue()).append(' ').append(kind);
      if (e.getValue() != 1) {
        sb.append(kind.endsWith("s") ? "es" : "s");
      }
      sep = ", ";
    }
    return sb.append(" (").append(shape).append(")\n");
  }

  /** What makes two entries one group: everything but identity, age and wait length. */
  private record GroupKey(
      TaskInfo.Kind kind, String state, String waitReason, String spawnSite, String owner) {}

  /**
   * The groups of {@link DumpFormat#GROUPED}: entries that share kind, state, wait reason, spawn
   * site and owner, largest first (ties: the lowest id first); members in the order given.
   */
  static List<List<TaskInfo>> groups(List<TaskInfo> infos) {
    Map<GroupKey, List<TaskInfo>> groups = new LinkedHashMap<>();
    for (TaskInfo i : infos) {
      groups.computeIfAbsent(keyOf(i), k -> new ArrayList<>()).add(i);
    }
    List<List<TaskInfo>> sorted = new ArrayList<>(groups.values());
    sorted.sort(
        Comparator.comparingInt((List<TaskInfo> g) -> -g.size()).thenComparing(g -> g.get(0).id()));
    return sorted;
  }

  private static GroupKey keyOf(TaskInfo i) {
    return new GroupKey(
        i.kind(),
        i.state(),
        i.waitReason(),
        Objects.toString(i.spawnSite(), null),
        ownerOf(i.path()));
  }

  private static String grouped(List<TaskInfo> infos, Instant now) {
    List<List<TaskInfo>> sorted = groups(infos);
    StringBuilder sb =
        header(infos, now, sorted.size() + (sorted.size() == 1 ? " group" : " groups"));
    for (List<TaskInfo> members : sorted) {
      GroupKey k = keyOf(members.get(0));
      sb.append('\n')
          .append(members.size())
          .append(" x ")
          .append(k.kind().name().toLowerCase(Locale.ROOT))
          .append(' ')
          .append(k.state());
      if (k.waitReason() != null) {
        sb.append(", ").append(k.waitReason());
        appendWaitRange(sb, members, now);
      }
      sb.append(k.owner() == null ? " (no owner)" : " under " + k.owner()).append('\n');
      if (k.spawnSite() != null) {
        sb.append("    ")
            .append(k.kind() == TaskInfo.Kind.TASK ? "spawned at " : "started at ")
            .append(k.spawnSite())
            .append('\n');
      }
      sb.append("    ");
      for (int n = 0; n < Math.min(NAMES_PER_GROUP, members.size()); n++) {
        TaskInfo m = members.get(n);
        sb.append(n == 0 ? "" : ", ").append('#').append(m.id()).append(" '").append(m.name());
        sb.append('\'');
      }
      if (members.size() > NAMES_PER_GROUP) {
        sb.append(" and ").append(members.size() - NAMES_PER_GROUP).append(" more");
      }
      sb.append('\n');
      appendHistory(sb, members.get(0));
      TaskInfo sample = members.get(0);
      List<StackTraceElement> stack = stackOf(sample);
      if (!stack.isEmpty()) {
        sb.append("    stack of #").append(sample.id()).append(":\n");
        appendStack(sb, stack, "        ");
      }
    }
    return sb.toString();
  }

  private static void appendWaitRange(StringBuilder sb, List<TaskInfo> members, Instant now) {
    Instant oldest = null;
    Instant newest = null;
    for (TaskInfo m : members) {
      Instant since = m.waitingSince();
      if (since != null) {
        oldest = oldest == null || since.isBefore(oldest) ? since : oldest;
        newest = newest == null || since.isAfter(newest) ? since : newest;
      }
    }
    if (oldest == null) {
      return;
    }
    String longest = TaskInfo.human(Duration.between(oldest, now));
    String shortest = TaskInfo.human(Duration.between(newest, now));
    sb.append(' ').append(longest.equals(shortest) ? longest : shortest + ".." + longest);
  }

  private static String full(List<TaskInfo> infos, Instant now) {
    StringBuilder sb = header(infos, now, "full");
    for (TaskInfo i : infos) {
      sb.append('\n').append(i).append('\n');
      if (i.waitTarget() != null) {
        sb.append("    waiting on ").append(i.waitTarget()).append('\n');
      }
      appendHistory(sb, i);
      appendStack(sb, stackOf(i), "    at ");
      if (i.spawnStack().size() > 1) {
        sb.append("    spawned from:\n");
        appendStack(sb, i.spawnStack(), "        at ");
      }
    }
    return sb.toString();
  }

  private static String tree(List<TaskInfo> infos, Instant now) {
    // Split each path once, not on every comparison; quoted names are one segment.
    Map<TaskInfo, String[]> segments = new java.util.IdentityHashMap<>();
    for (TaskInfo i : infos) {
      segments.put(i, Registry.segments(i.path()).toArray(String[]::new));
    }
    List<TaskInfo> sorted = new ArrayList<>(infos);
    sorted.sort(Comparator.comparing(segments::get, Dumps::comparePaths));
    StringBuilder sb = header(infos, now, "tree");
    for (TaskInfo i : sorted) {
      sb.append("  ".repeat(segments.get(i).length - 1))
          .append(i.name())
          .append("  ")
          .append(i.kind().name().toLowerCase(Locale.ROOT))
          .append(" #")
          .append(i.id())
          .append(' ')
          .append(i.state());
      if (i.waitReason() != null) {
        sb.append(", ").append(i.waitReason());
        if (i.waitingSince() != null) {
          sb.append(' ').append(TaskInfo.human(Duration.between(i.waitingSince(), now)));
        }
      }
      if (i.straggler()) {
        sb.append(", straggler");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Compares owner paths segment by segment, so a parent sorts right before its children. */
  private static int comparePaths(String[] x, String[] y) {
    for (int n = 0; n < Math.min(x.length, y.length); n++) {
      int c = x[n].compareTo(y[n]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  /** {@code app/ingest} for {@code app/ingest/fetch-17}; null for a root entry. */
  private static String ownerOf(String path) {
    return path.indexOf('/') < 0 ? null : Registry.parentPath(path);
  }

  /** The stack the record carries, else the live stack of its thread, else nothing. */
  static List<StackTraceElement> stackOf(TaskInfo i) {
    if (!i.stack().isEmpty()) {
      return i.stack();
    }
    Thread t = i.thread();
    return t == null ? List.of() : List.of(t.getStackTrace());
  }

  private static void appendStack(StringBuilder sb, List<StackTraceElement> stack, String prefix) {
    for (StackTraceElement f : stack) {
      sb.append(prefix).append(f).append('\n');
    }
  }

  private static void appendHistory(StringBuilder sb, TaskInfo i) {
    for (String h : i.history()) {
      sb.append("    ").append(h).append('\n');
    }
  }

  // ---- JSON ----

  private static String json(List<TaskInfo> infos, Instant now) {
    StringBuilder sb = new StringBuilder(128 + infos.size() * 256);
    sb.append("{\"time\":\"").append(now).append("\",\"entries\":[");
    String sep = "\n";
    for (TaskInfo i : infos) {
      sb.append(sep).append('{');
      sb.append("\"id\":").append(i.id());
      sb.append(",\"ownerId\":").append(i.ownerId() == 0 ? "null" : Long.toString(i.ownerId()));
      field(sb, "name", i.name());
      field(sb, "kind", i.kind().name());
      field(sb, "path", i.path());
      field(sb, "state", i.state());
      field(sb, "spawnSite", i.spawnSite() == null ? null : i.spawnSite().toString());
      field(sb, "waitReason", i.waitReason());
      field(sb, "waitTarget", i.waitTarget());
      field(sb, "waitingSince", i.waitingSince() == null ? null : i.waitingSince().toString());
      sb.append(",\"ageMillis\":").append(i.age().toMillis());
      sb.append(",\"straggler\":").append(i.straggler());
      field(sb, "thread", i.thread() == null ? null : i.thread().toString());
      array(sb, "spawnStack", i.spawnStack());
      array(sb, "history", i.history());
      sb.append('}');
      sep = ",\n";
    }
    return sb.append("\n]}\n").toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(",\"").append(name).append("\":");
    quote(sb, value);
  }

  private static void array(StringBuilder sb, String name, List<?> values) {
    sb.append(",\"").append(name).append("\":[");
    for (int n = 0; n < values.size(); n++) {
      if (n > 0) {
        sb.append(',');
      }
      quote(sb, values.get(n).toString());
    }
    sb.append(']');
  }

  /** Appends {@code s} as a JSON string (or null), escaping what RFC 8259 requires. */
  static void quote(StringBuilder sb, String s) {
    if (s == null) {
      sb.append("null");
      return;
    }
    sb.append('"');
    for (int n = 0; n < s.length(); n++) {
      char c = s.charAt(n);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
