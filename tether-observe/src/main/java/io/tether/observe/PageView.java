package io.tether.observe;

import io.tether.TaskInfo;
import io.tether.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the page shows, computed on the server so that 100k tasks cost the browser a few hundred
 * rows: the groups (as in the grouped dump) and the owner tree with identical siblings folded.
 * Plain maps and lists, written as JSON by the caller.
 *
 * <p>Folding: leaves under one owner that share kind, state, wait reason and name (digits aside:
 * {@code fetch-17} and {@code fetch-18} are alike) become one node with a count ({@code fetch ×
 * 5000}, or {@code fetch-* × 5000} when the names differ).
 */
final class PageView {
  private PageView() {}

  /** How many member names a group lists. */
  private static final int NAMES_PER_GROUP = 3;

  /** At most this many tree nodes; past it the tree says how many entries it left out. */
  static final int MAX_TREE_NODES = 5000;

  /** At most this many groups; past it the page says how many it left out. */
  static final int MAX_GROUPS = 2000;

  static Map<String, Object> of(List<TaskInfo> all, List<TaskInfo> shown, Instant now) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("time", now.toString());
    out.put("total", all.size());
    out.put("shown", shown.size());
    Map<TaskInfo.Kind, Integer> kinds = new EnumMap<>(TaskInfo.Kind.class);
    for (TaskInfo i : shown) {
      kinds.merge(i.kind(), 1, Integer::sum);
    }
    Map<String, Object> kindCounts = new LinkedHashMap<>();
    kinds.forEach((k, n) -> kindCounts.put(k.name().toLowerCase(Locale.ROOT), n));
    out.put("kinds", kindCounts);
    groups(shown, now, out);
    tree(shown, now, out);
    return out;
  }

  // ---- groups ----

  private static void groups(List<TaskInfo> infos, Instant now, Map<String, Object> out) {
    List<List<TaskInfo>> sorted = Tasks.groups(infos); // the grouped dump's own folding
    List<Object> list = new ArrayList<>();
    for (List<TaskInfo> members : sorted) {
      if (list.size() == MAX_GROUPS) {
        break;
      }
      TaskInfo k = members.get(0);
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("count", members.size());
      g.put("kind", k.kind().name().toLowerCase(Locale.ROOT));
      g.put("state", k.state());
      g.put("waitReason", k.waitReason());
      Long min = null;
      Long max = null;
      for (TaskInfo m : members) {
        if (m.waitingSince() != null) {
          long ms = waitMillis(m, now);
          min = min == null ? ms : Math.min(min, ms);
          max = max == null ? ms : Math.max(max, ms);
        }
      }
      g.put("waitMinMs", min);
      g.put("waitMaxMs", max);
      g.put("spawnSite", Objects.toString(k.spawnSite(), null));
      g.put("owner", k.ownerPath());
      List<Object> names = new ArrayList<>();
      for (int n = 0; n < Math.min(NAMES_PER_GROUP, members.size()); n++) {
        names.add(Map.of("id", members.get(n).id(), "name", members.get(n).name()));
      }
      g.put("members", names);
      g.put("history", members.get(0).history());
      list.add(g);
    }
    out.put("groups", list);
    out.put("groupsLeftOut", sorted.size() - list.size());
  }

  private static long waitMillis(TaskInfo i, Instant now) {
    return Math.max(0, Duration.between(i.waitingSince(), now).toMillis());
  }

  /** {@code app/ingest} for {@code app/ingest/fetch-17}; null for a root entry. */

  // ---- tree ----

  private static final class TreeBuilder {
    final Instant now;
    final Map<String, List<TaskInfo>> childrenOf = new HashMap<>();
    final Set<String> expanded = new HashSet<>();
    int nodes;
    int leftOut;

    TreeBuilder(Instant now) {
      this.now = now;
    }
  }

  private static void tree(List<TaskInfo> infos, Instant now, Map<String, Object> out) {
    TreeBuilder b = new TreeBuilder(now);
    Set<String> paths = new HashSet<>();
    for (TaskInfo i : infos) {
      paths.add(i.path());
    }
    List<TaskInfo> roots = new ArrayList<>();
    for (TaskInfo i : infos) {
      String owner = i.ownerPath();
      if (owner == null || !paths.contains(owner)) {
        roots.add(i);
      } else {
        b.childrenOf.computeIfAbsent(owner, k -> new ArrayList<>()).add(i);
      }
    }
    out.put("tree", level(b, roots, true));
    out.put("treeLeftOut", b.leftOut);
  }

  /** The nodes for {@code entries}, siblings under one owner; alike leaves folded into one. */
  private static List<Object> level(TreeBuilder b, List<TaskInfo> entries, boolean roots) {
    List<TaskInfo> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(TaskInfo::id));
    // Leaves (entries that own nothing) fold by their shape; owners stay one node each.
    Map<List<Object>, List<TaskInfo>> alike = new LinkedHashMap<>();
    List<Object> nodes = new ArrayList<>();
    for (TaskInfo i : sorted) {
      boolean owns = b.childrenOf.containsKey(i.path()) && !b.expanded.contains(i.path());
      if (owns) {
        alike.put(List.of(i.id()), new ArrayList<>(List.of(i)));
      } else {
        List<Object> key =
            List.of(
                i.kind(),
                i.state(),
                Objects.toString(i.waitReason(), ""),
                i.name().replaceAll("[0-9]+", "#"));
        alike.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
      }
    }
    for (List<TaskInfo> same : alike.values()) {
      if (b.nodes >= MAX_TREE_NODES) {
        b.leftOut += same.size();
        continue;
      }
      b.nodes++;
      TaskInfo first = same.get(0);
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("id", first.id());
      n.put("name", same.size() == 1 ? first.name() : foldedName(same));
      n.put("count", same.size());
      n.put("kind", first.kind().name().toLowerCase(Locale.ROOT));
      n.put("state", first.state());
      n.put("waitReason", first.waitReason());
      n.put("waitMs", first.waitingSince() == null ? null : waitMillis(first, b.now));
      if (roots) {
        n.put("path", first.path());
      }
      if (!first.history().isEmpty()) {
        n.put("history", first.history());
      }
      List<TaskInfo> children =
          same.size() == 1 && b.expanded.add(first.path()) ? b.childrenOf.get(first.path()) : null;
      n.put("children", children == null ? List.of() : level(b, children, false));
      nodes.add(n);
    }
    return nodes;
  }

  private static String foldedName(List<TaskInfo> same) {
    String name = same.get(0).name();
    for (TaskInfo i : same) {
      if (!i.name().equals(name)) {
        return name.replaceAll("[0-9]+", "*");
      }
    }
    return name;
  }
}
