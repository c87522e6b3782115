package io.tether.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.CancellableContext;
import io.tether.Context;
import io.tether.Service;
import io.tether.TaskInfo;
import io.tether.Tasks;
import io.tether.testing.Bounded;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Start, stop, bounds and security of the debug server. */
class LifecycleTest {

  @Test
  void closeStopsListeningAndLeavesNothingRunning() throws Exception {
    DebugServer server = DebugServer.start(Context.background(), DebugOptions.defaults().port(0));
    InetSocketAddress at = server.address();
    try (Http http = new Http(server)) {
      assertThat(http.get("tasks").statusCode()).isEqualTo(200);
    }
    server.close();
    server.close(); // idempotent
    assertThat(server.state()).isEqualTo(Service.State.TERMINATED);
    assertThatThrownBy(() -> new Socket(at.getAddress(), at.getPort()).close())
        .isInstanceOf(ConnectException.class);
    assertThat(Tasks.snapshot()).noneMatch(i -> i.path().startsWith("debug-server"));
  }

  @Test
  void itStopsWithItsContext() throws Exception {
    try (CancellableContext ctx = Context.background().withCancel()) {
      DebugServer server = DebugServer.start(ctx, DebugOptions.defaults().port(0));
      ctx.cancel();
      assertThat(server.stop(Bounded.HANG).clean()).isTrue();
      assertThat(server.state()).isEqualTo(Service.State.TERMINATED);
    }
  }

  @Test
  void aPortInUseIsNamed() throws Exception {
    try (DebugServer first =
        DebugServer.start(Context.background(), DebugOptions.defaults().port(0))) {
      int port = first.address().getPort();
      assertThatThrownBy(
              () -> DebugServer.start(Context.background(), DebugOptions.defaults().port(port)))
          .isInstanceOf(BindException.class)
          .hasMessageContaining("cannot listen on")
          .hasMessageContaining(":" + port)
          .hasMessageContaining("0 for a free one");
    }
  }

  @Test
  void anExposedServerWantsItsToken() throws Exception {
    String token = "s3cret-token-0123456789";
    DebugOptions options =
        DebugOptions.defaults().exposedOn(new InetSocketAddress("127.0.0.1", 0), token);
    try (DebugServer server = DebugServer.start(Context.background(), options);
        Http http = new Http(server)) {
      assertThat(http.send("GET", "tasks", null).statusCode()).isEqualTo(401);
      assertThat(http.send("GET", "tasks", null).headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"tether\"");
      assertThat(http.send("GET", "tasks", "Bearer wrong-token-0123456789").statusCode())
          .isEqualTo(401);
      assertThat(http.send("GET", "tasks", "Bearer " + token).statusCode()).isEqualTo(200);
      assertThat(http.send("GET", "threads", "Bearer " + token).statusCode()).isEqualTo(200);
      // The page's files hold no data: served without the token, the page then asks for it.
      assertThat(http.send("GET", "", null).statusCode()).isEqualTo(200);
      assertThat(server.toString()).contains("token required");
    }
  }

  @Test
  void aBigTextDumpIsCutAndABigJsonOneRefused() throws Exception {
    try (KnownApp app = new KnownApp(200);
        DebugServer server =
            DebugServer.start(
                Context.background(), DebugOptions.defaults().port(0).maxResponseBytes(4096));
        Http http = new Http(server)) {
      assertThat(app.n).isEqualTo(200);
      String full = http.get("tasks?format=full").body();
      assertThat(full.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
      assertThat(full).contains("[cut: this dump is").contains("narrow it with owner=");
      var json = http.get("tasks?format=json");
      assertThat(json.statusCode()).isEqualTo(503);
      assertThat(json.body()).contains("over the debug server's bound of 4096");
      assertThat(http.get("tasks?format=json&limit=2").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aSlowClientIsCutOffAndTheBusyServerTurnsOthersAway() throws Exception {
    DebugOptions options =
        DebugOptions.defaults()
            .port(0)
            .maxConcurrentRequests(1)
            .requestTimeout(Duration.ofMillis(500));
    try (DebugServer server = DebugServer.start(Context.background(), options);
        Http http = new Http(server);
        Socket slow = new Socket(server.address().getAddress(), server.address().getPort())) {
      // Half a request: the server reads it on its one request task, waiting for the rest.
      slow.getOutputStream()
          .write("GET /debug/tether/tasks HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
      slow.getOutputStream().flush();
      Bounded.until(
          "the slow request to take the only slot",
          () -> Tasks.snapshot().stream().anyMatch(LifecycleTest::isExchange));
      // Only if it got its answer before the deadline could this be anything but a refusal.
      assertThatThrownBy(() -> http.get("tasks")).isInstanceOf(IOException.class);
      // The deadline cuts the slow client off: its connection is closed without an answer.
      slow.setSoTimeout((int) Bounded.HANG.toMillis());
      InputStream in = slow.getInputStream();
      assertThat(in.readAllBytes()).isEmpty();
      Bounded.until(
          "the slot to be free again",
          () -> Tasks.snapshot().stream().noneMatch(LifecycleTest::isExchange));
      assertThat(http.get("tasks").statusCode()).isEqualTo(200);
    }
  }

  private static boolean isExchange(TaskInfo i) {
    return i.kind() == TaskInfo.Kind.TASK && i.name().equals("exchange");
  }
}
