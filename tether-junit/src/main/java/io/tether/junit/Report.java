package io.tether.junit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The failure message, written like a compiler error: for each group of alike leaks, the shape,
 * what leaked and what it is doing, its owner and the owner never closed (the root cause) if any,
 * where it was spawned (a scope: opened) and where it waits, the test it is blamed on, the fix, and
 * one stack.
 */
final class Report {
  private Report() {}

  private static final int STACK_LINES = 12;

  /** Leaks are alike when shape, kind, spawn site, waiting frame and blame all match. */
  private record GroupKey(
      LeakPattern pattern,
      String kind,
      StackTraceElement spawnSite,
      StackTraceElement userFrame,
      String blamedOn) {}

  static String format(List<Leak> leaks, Duration settled, String subject) {
    Map<GroupKey, List<Leak>> groups = new LinkedHashMap<>();
    for (Leak l : leaks) {
      GroupKey k =
          new GroupKey(
              l.pattern(), l.kind(), l.spawnSite(), Diagnosis.userFrame(l.stack()), l.blamedOn());
      groups.computeIfAbsent(k, x -> new ArrayList<>()).add(l);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(leaks.size() == 1 ? "1 leak" : leaks.size() + " leaks");
    if (groups.size() != leaks.size()) {
      sb.append(" in ").append(groups.size()).append(groups.size() == 1 ? " group" : " groups");
    }
    sb.append(" still running ")
        .append(Diagnosis.human(settled))
        .append(" after ")
        .append(subject)
        .append(':');
    for (List<Leak> group : groups.values()) {
      Leak l = group.get(0);
      sb.append("\n\n").append(l.pattern());
      if (group.size() > 1) {
        sb.append(" x").append(group.size());
      }
      sb.append(": ").append(l.description());
      if (l.ownerPath() != null) {
        sb.append("\n  owner:       ").append(l.ownerPath());
      }
      if (l.rootOwner() != null) {
        sb.append("\n  root cause:  ").append(l.rootOwner());
      }
      if (l.spawnSite() != null) {
        sb.append(
                switch (l.kind()) {
                  case "task" -> "\n  spawned at:  ";
                  case "scope" -> "\n  opened at:   ";
                  default -> "\n  started at:  ";
                })
            .append(l.spawnSite());
      } else if (l.kind().equals("scope")) {
        sb.append("\n  opened at:   a line not recorded (-Dtether.spawnSite=full records it)");
      }
      StackTraceElement where = Diagnosis.userFrame(l.stack());
      if (where != null) {
        sb.append("\n  waiting at:  ").append(where);
      }
      if (l.blamedOn() != null) {
        sb.append("\n  blamed on:   ").append(l.blamedOn());
      }
      sb.append("\n  fix:         ").append(l.fix());
      if (group.size() > 1) {
        List<String> others = new ArrayList<>();
        for (Leak o : group.subList(1, group.size())) {
          others.add(o.name());
        }
        sb.append("\n  also:        ")
            .append(String.join(", ", others.subList(0, Math.min(8, others.size()))))
            .append(others.size() > 8 ? ", ... (" + (others.size() - 8) + " more)" : "");
      }
      if (!l.stack().isEmpty()) {
        sb.append("\n  stack:");
        int n = Math.min(STACK_LINES, l.stack().size());
        for (StackTraceElement f : l.stack().subList(0, n)) {
          sb.append("\n    at ").append(f);
        }
        if (l.stack().size() > n) {
          sb.append("\n    ... ").append(l.stack().size() - n).append(" more");
        }
      }
    }
    return sb.toString();
  }

  static String subject(String testName) {
    return Objects.requireNonNullElse(testName, "the code under check");
  }
}
