package io.tether.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.Context;
import io.tether.TaskInfo;
import io.tether.Tasks;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The page in a real browser (headless Chromium): what a person sees, for an application with known
 * tasks. Filters and the task detail are driven through the URL fragment, as the page's own form
 * and links do.
 */
class BrowserTest {
  static final int N = 25;
  static KnownApp app;
  static DebugServer server;

  @BeforeAll
  static void start() throws Exception {
    Chromium.assumeInstalled();
    app = new KnownApp(N);
    server = DebugServer.start(Context.background(), DebugOptions.defaults().port(0));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void theGroupedViewComesFirstWithCountWaitAndOwner() throws Exception {
    String dom = Chromium.dumpDom(server.url() + "#long=0ms");
    assertThat(dom).contains("data-loaded=");
    assertThat(Dom.text(Dom.byId(dom, "summary"))).contains("live").contains(" tasks");
    List<List<String>> rows = Dom.groupRows(dom);
    // count, kind, state, waiting on, for, owner, spawned at, members
    assertThat(rows.get(0).subList(0, 4))
        .containsExactly(String.valueOf(N), "task", "RUNNING", "chan receive");
    assertThat(rows.get(0).get(5)).isEqualTo("listeners");
    assertThat(rows.get(0).get(6)).contains("KnownApp");
    assertThat(rows.get(0).get(7)).contains("'listener'").contains("and " + (N - 3) + " more");
    assertThat(Dom.hasLongRow(dom))
        .as("a wait longer than the threshold (0 ms here) is marked")
        .isTrue();
    assertThat(dom.indexOf("id=\"groups\"")).isLessThan(dom.indexOf("id=\"tree\""));
  }

  @Test
  void theTreeNestsFoldsAndShowsRestarts() throws Exception {
    String dom = Chromium.dumpDom(server.url().toString());
    List<String> paths = Dom.treePaths(dom);
    assertThat(paths).contains("listeners > listener \u00d7 " + N);
    assertThat(paths).contains("sleepy > sleeper");
    assertThat(paths).anyMatch(p -> p.startsWith("sup > flaky"));
    assertThat(paths).anyMatch(p -> p.startsWith("debug-server > run"));
    assertThat(Dom.text(Dom.byId(dom, "tree")))
        .contains("restart:")
        .contains("'flaky' FAILED (java.lang.IllegalStateException: flaky broke on its first run)");
  }

  @Test
  void aFilterNarrowsTheView() throws Exception {
    String dom = Chromium.dumpDom(server.url() + "#owner=sleepy");
    assertThat(Dom.text(Dom.byId(dom, "summary"))).contains("(filtered)");
    List<List<String>> rows = Dom.groupRows(dom);
    assertThat(rows).hasSize(2); // the scope and its one task
    assertThat(rows).noneMatch(r -> r.get(5).startsWith("listeners"));
    assertThat(Dom.treePaths(dom)).containsExactly("sleepy", "sleepy > sleeper");
    assertThat(Dom.text(Dom.byId(dom, "active"))).isEqualTo("filtered: owner starts with 'sleepy'");
    assertThat(Dom.byId(dom, "links")).contains("tasks?owner=sleepy&amp;format=grouped");
  }

  @Test
  void aTasksDetailShowsItsLiveStack() throws Exception {
    long id =
        Tasks.snapshot().stream()
            .filter(i -> i.name().equals("listener"))
            .map(TaskInfo::id)
            .findFirst()
            .orElseThrow();
    String dom = Chromium.dumpDom(server.url() + "#task=" + id);
    String detail = Dom.byId(dom, "detail");
    assertThat(Dom.text(Dom.byId(dom, "detail-title"))).isEqualTo("#" + id + " 'listener'");
    assertThat(Dom.text(detail)).contains("chan receive").contains("io.tether.Channel.receive(");
  }
}
