package io.tether.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.TaskInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page's data from hand-made registry records: groups, folding and the tree's shape. */
class PageViewTest {
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  static TaskInfo entry(
      long id, String path, TaskInfo.Kind kind, String wait, List<String> history) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return new TaskInfo(
        id,
        name,
        kind,
        path,
        kind == TaskInfo.Kind.SCOPE ? "OPEN" : "RUNNING",
        null,
        List.of(),
        wait,
        null,
        wait == null ? null : NOW.minusSeconds(id),
        Duration.ofSeconds(id),
        null,
        false,
        List.of(),
        history,
        null,
        0);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object o) {
    return (List<Map<String, Object>>) o;
  }

  @Test
  void alikeLeavesFoldAndOwnersKeepTheirChildren() {
    List<TaskInfo> all = new ArrayList<>();
    all.add(entry(1, "app", TaskInfo.Kind.SCOPE, null, List.of()));
    for (int i = 0; i < 5; i++) {
      all.add(entry(10 + i, "app/fetch-" + i, TaskInfo.Kind.TASK, "chan receive", List.of()));
    }
    all.add(entry(20, "app/sup", TaskInfo.Kind.SUPERVISOR, null, List.of("restart 1")));
    all.add(entry(21, "app/sup/worker", TaskInfo.Kind.SERVICE, null, List.of()));
    Map<String, Object> v = PageView.of(all, all, NOW);

    List<Map<String, Object>> roots = list(v.get("tree"));
    assertThat(roots).hasSize(1);
    assertThat(roots.get(0)).containsEntry("name", "app").containsEntry("path", "app");
    List<Map<String, Object>> children = list(roots.get(0).get("children"));
    assertThat(children).extracting(c -> c.get("name")).containsExactly("fetch-*", "sup");
    assertThat(children.get(0))
        .containsEntry("count", 5)
        .containsEntry("waitReason", "chan receive");
    assertThat(children.get(1)).containsEntry("history", List.of("restart 1"));
    assertThat(list(children.get(1).get("children")))
        .extracting(c -> c.get("name"))
        .containsExactly("worker");

    List<Map<String, Object>> groups = list(v.get("groups"));
    assertThat(groups.get(0))
        .containsEntry("count", 5)
        .containsEntry("owner", "app")
        .containsEntry("waitMinMs", 10_000L)
        .containsEntry("waitMaxMs", 14_000L);
    assertThat(v).containsEntry("total", 8).containsEntry("treeLeftOut", 0);
  }

  @Test
  void identicalNamesFoldUnderTheirOwnName() {
    List<TaskInfo> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      all.add(entry(i + 1, "fetch", TaskInfo.Kind.TASK, null, List.of()));
    }
    List<Map<String, Object>> roots = list(PageView.of(all, all, NOW).get("tree"));
    assertThat(roots)
        .singleElement()
        .satisfies(n -> {
          assertThat(n).containsEntry("name", "fetch").containsEntry("count", 3);
        });
  }

  @Test
  void aHugeTreeIsCutAndSaysHowMuchItLeftOut() {
    List<TaskInfo> all = new ArrayList<>();
    for (int i = 0; i < PageView.MAX_TREE_NODES + 10; i++) {
      all.add(entry(i + 1, "scope-" + i, TaskInfo.Kind.SCOPE, null, List.of()));
      all.add(entry(100_000 + i, "scope-" + i + "/t", TaskInfo.Kind.TASK, null, List.of()));
    }
    Map<String, Object> v = PageView.of(all, all, NOW);
    assertThat((int) v.get("treeLeftOut")).isPositive();
  }
}
