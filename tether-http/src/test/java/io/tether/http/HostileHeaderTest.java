package io.tether.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import io.tether.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whatever the budget header holds, the server answers and never grants more than its maximum. */
class HostileHeaderTest {
  private Loopback net;

  @BeforeEach
  void open() throws IOException {
    net = new Loopback();
    net.serve(
        "/",
        RequestBudget.defaults().maximum(Duration.ofSeconds(2)),
        ex -> {
          Context ctx = ContextFilter.context(ex);
          long ms = Duration.between(Instant.now(), ctx.deadline().orElseThrow()).toMillis();
          reply(ex, Long.toString(ms));
        });
  }

  @AfterEach
  void close() throws InterruptedException {
    net.close();
  }

  private static void reply(HttpExchange ex, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-5",
        "abc",
        "1e3",
        "0x10",
        "12.5",
        "+5",
        "99999999999999999999999999",
        "9223372036854775807",
        "1 2",
        "1_000",
        "",
        "500ms"
      })
  void aBadOrHugeBudgetIsIgnoredOrCapped(String value) throws Exception {
    HttpResponse<String> r =
        net.client.send(
            HttpRequest.newBuilder(net.uri("/"))
                .header(RequestBudget.DEFAULT_HEADER, value)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Long.parseLong(r.body())).isBetween(0L, 2000L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1", "150", "000150"})
  void aGoodBudgetIsTakenAsMilliseconds(String value) throws Exception {
    HttpResponse<String> r =
        net.client.send(
            HttpRequest.newBuilder(net.uri("/"))
                .header(RequestBudget.DEFAULT_HEADER, value)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Long.parseLong(r.body())).isLessThanOrEqualTo(Long.parseLong(value));
  }
}
