package io.tether;

import static io.tether.ScopeTest.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tasks.dump: grouped, full, tree and JSON views of the registry. */
class DumpTest {

  @Test
  void groupedDumpFoldsIdenticalTasksIntoOneGroupWithCountNamesAndOneStack() throws Exception {
    Channel<String> jobs = Channel.unbuffered("jobs");
    try (Scope pool = Scope.open(Context.background(), "dump-pool")) {
      List<Task<Void>> workers = new ArrayList<>();
      for (int n = 0; n < 5; n++) {
        workers.add(pool.go("worker-" + n, c -> jobs.receive(c)));
      }
      Task<Void> odd = pool.go("odd-one", Context::await);
      for (Task<Void> w : workers) {
        awaitWaiting(w, "chan receive");
      }
      awaitWaiting(odd, "ctx.await");

      String dump = Tasks.dump(DumpFormat.GROUPED);

      assertThat(dump).startsWith("Tether dump at ");
      String group = section(dump, "5 x task RUNNING, chan receive");
      assertThat(group)
          .contains("under dump-pool")
          .contains("spawned at io.tether.DumpTest.")
          .contains("DumpTest.java:")
          .contains("'worker-0', ")
          .contains(" and 2 more")
          .contains("stack of #")
          .contains("io.tether.Channel.receive");
      assertThat(section(dump, "1 x task RUNNING, ctx.await")).contains("'odd-one'");
      pool.cancel();
    }
    assertThat(Tasks.dump(DumpFormat.GROUPED)).doesNotContain("dump-pool");
  }

  @Test
  void treeDumpIndentsEachEntryUnderItsOwner() throws Exception {
    try (Scope app = Scope.open(Context.background(), "dump-app")) {
      Task<Void> ingest =
          app.go(
              "ingest",
              c -> {
                try (Scope inner = Scope.open(c, "fetchers")) {
                  inner.go("fetch-1", Context::await);
                  inner.join();
                }
              });
      awaitWaiting(ingest, "scope.join");
      awaitWaitingAt("dump-app/ingest/fetchers/fetch-1", "ctx.await");

      List<String> lines =
          Tasks.dump(DumpFormat.TREE)
              .lines()
              .filter(l -> l.contains("dump-app") || l.startsWith("  "))
              .toList();
      int at = indexOfLineStarting(lines, "dump-app  scope");
      assertThat(at).as("tree:\n%s", String.join("\n", lines)).isNotNegative();
      assertThat(lines.get(at + 1)).startsWith("  ingest  task #").contains("RUNNING, scope.join");
      assertThat(lines.get(at + 2)).startsWith("    fetchers  scope #").contains("OPEN");
      assertThat(lines.get(at + 3)).startsWith("      fetch-1  task #").contains("ctx.await");
      app.cancel();
    }
  }

  @Test
  void fullDumpListsEveryTaskWithItsLiveStackAndWaitTarget() throws Exception {
    try (Scope scope = Scope.open(Context.background(), "dump-full")) {
      Task<Void> t = scope.go("sleeper", Context::await);
      awaitWaiting(t, "ctx.await");
      String dump = Tasks.dump(DumpFormat.FULL);
      String entry = section(dump, "task #" + t.id() + " 'sleeper' dump-full/sleeper");
      assertThat(entry)
          .contains("waiting on background.scope(dump-full).task(sleeper)")
          .contains("    at io.tether.")
          .contains("AbstractContext");
      scope.cancel();
    }
  }

  @Test
  void jsonDumpEscapesNamesAndCarriesEveryField() throws Exception {
    String odd = "quote\" back\\slash\nnew line\u0001";
    try (Scope scope = Scope.open(Context.background(), "dump-json")) {
      Task<Void> t = scope.go(odd, Context::await);
      awaitWaiting(t, "ctx.await");
      String json = Tasks.dump(DumpFormat.JSON);
      assertThat(json).startsWith("{\"time\":\"").endsWith("\n]}\n");
      assertThat(json)
          .contains("\"name\":\"quote\\\" back\\\\slash\\nnew line\\u0001\"")
          // the name is one quoted path segment: its quote and backslash escaped, then JSON-escaped
          .contains(
              "\"path\":\"dump-json/\\\"quote\\\\\\\" back\\\\\\\\slash\\nnew line\\u0001\\\"\"")
          .contains("{\"id\":" + t.id() + ",\"ownerId\":" + idOf("dump-json") + ",")
          .contains("\"kind\":\"TASK\"")
          .contains("\"waitReason\":\"ctx.await\"")
          .contains("\"spawnSite\":\"io.tether.DumpTest.");
      Instant.parse(json.substring("{\"time\":\"".length(), json.indexOf('"', 9)));
      scope.cancel();
    }
  }

  @Test
  void nullFormatIsRefused() {
    assertThatThrownBy(() -> Tasks.dump(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("format");
  }

  /** The block of {@code dump} from the line starting with {@code head} to the next blank line. */
  private static String section(String dump, String head) {
    int start = dump.indexOf("\n" + head);
    assertThat(start).as("no section '%s' in:\n%s", head, dump).isNotNegative();
    int end = dump.indexOf("\n\n", start + 1);
    return dump.substring(start + 1, end < 0 ? dump.length() : end);
  }

  private static int indexOfLineStarting(List<String> lines, String prefix) {
    for (int n = 0; n < lines.size(); n++) {
      if (lines.get(n).startsWith(prefix)) {
        return n;
      }
    }
    return -1;
  }

  private static void awaitWaitingAt(String path, String reason) {
    io.tether.testing.Bounded.until(
        path + " waiting in " + reason,
        () ->
            Tasks.snapshot().stream()
                .anyMatch(i -> i.path().equals(path) && reason.equals(i.waitReason())));
  }

  private static long idOf(String path) {
    return Tasks.snapshot().stream()
        .filter(i -> i.path().equals(path))
        .findFirst()
        .orElseThrow()
        .id();
  }

  @Test
  void namesWithSlashesStayOneSegmentInPathsGroupsAndTheTree() throws Exception {
    try (Scope app = Scope.open(Context.background(), "app-11")) {
      Task<Void> web =
          app.go(
              "web",
              c -> {
                try (Scope handlers = Scope.open(c, "handlers")) {
                  for (int n = 0; n < 3; n++) {
                    handlers.go("GET /slow " + n, Context::await);
                  }
                  c.await();
                }
              });
      io.tether.testing.Bounded.until(
          "three handlers waiting",
          () ->
              Tasks.snapshot().stream()
                      .filter(i -> "ctx.await".equals(i.waitReason()))
                      .filter(i -> i.path().startsWith("app-11/web/handlers/"))
                      .count()
                  == 3);
      List<TaskInfo> infos =
          Tasks.snapshot().stream().filter(i -> i.path().startsWith("app-11")).toList();
      TaskInfo handler =
          infos.stream().filter(i -> i.name().equals("GET /slow 0")).findFirst().orElseThrow();
      assertThat(handler.path()).isEqualTo("app-11/web/handlers/\"GET /slow 0\"");
      TaskInfo handlers =
          infos.stream()
              .filter(i -> i.path().equals("app-11/web/handlers"))
              .findFirst()
              .orElseThrow();
      assertThat(handler.ownerId()).isEqualTo(handlers.id());
      assertThat(handlers.ownerId()).isEqualTo(web.id());
      assertThat(Registry.segments(handler.path()))
          .containsExactly("app-11", "web", "handlers", "\"GET /slow 0\"");
      assertThat(Registry.parentPath(handler.path())).isEqualTo("app-11/web/handlers");
      // Grouped under their real owner, not under "app-11/web/handlers/GET ".
      assertThat(Tasks.dump(DumpFormat.GROUPED))
          .contains("3 x task RUNNING, ctx.await")
          .contains("under app-11/web/handlers\n")
          .doesNotContain("under app-11/web/handlers/\"GET");
      // In the tree each handler sits one level below its scope.
      List<String> tree = Tasks.dump(DumpFormat.TREE).lines().toList();
      String scopeLine = tree.get(indexOfLineStarting(tree, "    handlers  scope #"));
      String handlerLine =
          tree.stream().filter(l -> l.contains("GET /slow 0  task #")).findFirst().orElseThrow();
      assertThat(scopeLine).startsWith("    handlers");
      assertThat(handlerLine).startsWith("      GET /slow 0  task #");
      app.cancel();
    }
  }

  @Test
  void segmentsQuoteOnlyWhatNeedsIt() {
    assertThat(Registry.segment("plain name")).isEqualTo("plain name");
    assertThat(Registry.segment("a/b")).isEqualTo("\"a/b\"");
    assertThat(Registry.segment("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
    assertThat(Registry.segment("")).isEqualTo("\"\"");
    String path = "x/" + Registry.segment("a/\"b\\/c") + "/y";
    assertThat(Registry.segments(path)).containsExactly("x", Registry.segment("a/\"b\\/c"), "y");
  }
}
