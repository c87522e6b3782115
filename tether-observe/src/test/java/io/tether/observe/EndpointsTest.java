package io.tether.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tether.Context;
import io.tether.TaskInfo;
import io.tether.Tasks;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every route of the debug server and every kind of bad input, against a known application. */
class EndpointsTest {
  static final int N = 40;
  static KnownApp app;
  static DebugServer server;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    app = new KnownApp(N);
    server = DebugServer.start(Context.background(), DebugOptions.defaults().port(0));
    http = new Http(server);
  }

  @AfterAll
  static void stop() {
    http.close();
    server.close();
    app.close();
  }

  static long idOf(String name) {
    return Tasks.snapshot().stream()
        .filter(i -> i.name().equals(name))
        .findFirst()
        .map(TaskInfo::id)
        .orElseThrow();
  }

  @Test
  void groupedIsTheDefaultAndShowsTheGroupWithItsCountAndWait() throws Exception {
    HttpResponse<String> r = http.get("tasks");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(r.body())
        .contains(N + " x task RUNNING, chan receive")
        .contains("under listeners")
        .contains("io.tether.Channel.receive(");
  }

  @Test
  void fullTreeAndJsonFormats() throws Exception {
    assertThat(http.get("tasks?format=full").body()).contains("task #").contains("'sleeper'");
    assertThat(http.get("tasks?format=tree").body())
        .contains("listeners  scope")
        .contains("  listener  task");
    HttpResponse<String> json = http.get("tasks?format=json");
    assertThat(json.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    assertThat(entries(json.body())).hasSizeGreaterThan(N);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> entries(String json) throws Exception {
    return (List<Map<String, Object>>) JSON.std.mapFrom(json).get("entries");
  }

  @Test
  void filtersNarrowTheDump() throws Exception {
    List<Map<String, Object>> byOwner =
        entries(http.get("tasks?format=json&owner=listeners/").body());
    assertThat(byOwner).hasSize(N).allSatisfy(e -> assertThat(e.get("name")).isEqualTo("listener"));
    assertThat(entries(http.get("tasks?format=json&owner=listeners/&limit=3").body())).hasSize(3);
    assertThat(entries(http.get("tasks?format=json&owner=sleepy&state=running").body()))
        .extracting(e -> e.get("name"))
        .containsExactly("sleeper");
    assertThat(entries(http.get("tasks?format=json&owner=sleepy&state=FAILED").body())).isEmpty();
    // Nothing has waited an hour; everything parked waited at least 0 ms.
    assertThat(entries(http.get("tasks?format=json&min_wait=1h").body())).isEmpty();
    assertThat(entries(http.get("tasks?format=json&min_wait=0ms&owner=listeners/").body()))
        .hasSize(N);
    assertThat(http.get("tasks?owner=sleepy&format=grouped").body())
        .contains("1 x task RUNNING under sleepy")
        .doesNotContain("listener");
  }

  @Test
  void oneEntryWithItsLiveStack() throws Exception {
    long id = idOf("listener");
    HttpResponse<String> text = http.get("tasks/" + id);
    assertThat(text.statusCode()).isEqualTo(200);
    assertThat(text.body()).contains("#" + id + " 'listener'").contains("at io.tether.Channel");
    Map<String, Object> json = JSON.std.mapFrom(http.get("tasks/" + id + "?format=json").body());
    assertThat(json).containsEntry("name", "listener").containsEntry("waitReason", "chan receive");
    assertThat((List<?>) json.get("stack")).isNotEmpty();
  }

  @Test
  void unknownIdsAre404() throws Exception {
    HttpResponse<String> r = http.get("tasks/999999999");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("no live task or scope #999999999");
    assertThat(http.get("tasks/abc").statusCode()).isEqualTo(404);
    assertThat(http.get("nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void theJvmsThreadDumpIsJson() throws Exception {
    HttpResponse<String> r = http.get("threads");
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Object> dump = JSON.std.mapFrom(r.body());
    assertThat(dump).containsKey("threadDump");
  }

  @Test
  void theViewGroupsAndFoldsForThePage() throws Exception {
    Map<String, Object> v = JSON.std.mapFrom(http.get("view").body());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> groups = (List<Map<String, Object>>) v.get("groups");
    assertThat(groups.get(0))
        .containsEntry("count", N)
        .containsEntry("waitReason", "chan receive")
        .containsEntry("owner", "listeners");
    assertThat(http.get("view").body()).contains("\"listener\",\"count\":" + N);
    assertThat(http.get("view").body()).contains("flaky broke on its first run");
  }

  @Test
  void badInputGetsAClearStatus() throws Exception {
    HttpResponse<String> format = http.get("tasks?format=xml");
    assertThat(format.statusCode()).isEqualTo(400);
    assertThat(format.body())
        .contains("unknown format 'xml'")
        .contains("grouped, full, tree, json");
    assertThat(http.get("tasks?colour=red").body()).contains("unknown query parameter 'colour'");
    assertThat(http.get("tasks?colour=red").statusCode()).isEqualTo(400);
    assertThat(http.get("tasks?min_wait=soon").statusCode()).isEqualTo(400);
    assertThat(http.get("tasks?limit=0").statusCode()).isEqualTo(400);
    assertThat(http.get("tasks?limit=3&limit=4").statusCode()).isEqualTo(400);
    assertThat(raw("GET /debug/tether/tasks?owner=%zz HTTP/1.1")).startsWith("HTTP/1.1 400");
    assertThat(http.get("tasks/1?format=grouped").statusCode()).isEqualTo(400);
    assertThat(http.get("threads?x=1").statusCode()).isEqualTo(400);

    HttpResponse<String> post = http.send("POST", "tasks", null);
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(http.send("DELETE", "tasks/1", null).statusCode()).isEqualTo(405);

    assertThat(http.get("tasks?owner=" + "x".repeat(5000)).statusCode()).isEqualTo(414);
  }

  static String raw(String requestLine) throws java.io.IOException {
    return Http.raw(server, requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  }

  @Test
  void headAnswersWithoutABody() throws Exception {
    HttpResponse<String> r = http.send("HEAD", "tasks", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void thePageAndItsFilesComeFromTheJar() throws Exception {
    HttpResponse<String> page = http.get("");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValue("default-src 'self'; frame-ancestors 'none'");
    assertThat(page.body())
        .contains("<script src=\"page.js\"")
        .doesNotContain("http://", "https://");
    assertThat(http.get("page.js").body()).contains("function load()");
    assertThat(http.get("page.css").statusCode()).isEqualTo(200);
    String redirect =
        Http.raw(
            server, "GET /debug/tether HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assertThat(redirect).startsWith("HTTP/1.1 302").contains("Location: /debug/tether/");
  }

  @Test
  void aForeignHostNameIsRefused() throws Exception {
    String answer =
        Http.raw(
            server,
            "GET /debug/tether/tasks HTTP/1.1\r\nHost: evil.example:6060\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 403").contains("not a loopback name");
  }

  @Test
  void malformedRequestsDoNotHarmTheServer() throws Exception {
    Http.raw(server, "\u0000\u0001garbage\r\n\r\n");
    Http.raw(
        server, "GET /debug/tether/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nBroken header\r\n\r\n");
    Http.raw(server, "GET " + "/".repeat(20_000) + " HTTP/1.1\r\nConnection: close\r\n\r\n");
    assertThat(http.get("tasks").statusCode()).isEqualTo(200);
  }

  @Test
  void theServerIsAnOwnedServiceInTheRegistry() throws Exception {
    assertThat(server.state()).hasToString("RUNNING");
    assertThat(server.url().toString()).startsWith("http://127.0.0.1:").endsWith("/debug/tether/");
    assertThat(server.toString()).contains("RUNNING").contains("loopback");
    assertThat(Tasks.snapshot())
        .anySatisfy(i -> {
          assertThat(i.kind()).isEqualTo(TaskInfo.Kind.SERVICE);
          assertThat(i.name()).isEqualTo("debug-server");
        });
  }

  @Test
  void optionsRejectWhatMakesNoSense() {
    assertThatThrownBy(() -> DebugOptions.defaults().port(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..65535");
    assertThatThrownBy(() ->
            DebugOptions.defaults()
                .exposedOn(new java.net.InetSocketAddress("0.0.0.0", 0), "short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> DebugOptions.defaults().maxConcurrentRequests(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            DebugOptions.defaults()
                .exposedOn(new java.net.InetSocketAddress("0.0.0.0", 0), "0123456789abcdef0")
                .toString())
        .contains("token required")
        .doesNotContain("0123456789abcdef0");
  }
}
