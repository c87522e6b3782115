package io.tether.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tether.Context;
import io.tether.Scope;
import io.tether.Task;
import io.tether.Tasks;
import io.tether.testing.Bounded;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The watchdog's reports on the debug server: the {@code leaks} route and the page's section. */
class LeakPageTest {

  @Test
  void theLeaksRouteShowsWhatARunningWatchdogReported() throws Exception {
    check(false);
  }

  @Test
  void thePageShowsThemInItsLeaksSection() throws Exception {
    Chromium.assumeInstalled();
    check(true);
  }

  private static void check(boolean browser) throws Exception {
    AtomicLong clock = new AtomicLong();
    try (DebugServer server =
            DebugServer.start(Context.background(), DebugOptions.defaults().port(0));
        Http http = new Http(server)) {
      Map<String, Object> none = JSON.std.mapFrom(http.get("leaks").body());
      assertThat(none).containsEntry("leaks", List.of());
      try (Scope s = Scope.open(Context.background(), "app");
          LeakWatchdog dog =
              LeakWatchdog.start(
                  Context.background(),
                  LeakWatchdog.Options.defaults()
                      .period(Duration.ofHours(1))
                      .threshold(Duration.ofSeconds(1))
                      .clock(clock::get))) {
        Task<Void> stuck = s.go("stuck", c -> Context.background().await());
        Bounded.until(
            "stuck parked",
            () ->
                Tasks.snapshot().stream()
                    .anyMatch(i -> i.id() == stuck.id() && "ctx.await".equals(i.waitReason())));
        dog.look();
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(dog.look()).hasSize(1);

        var r = http.get("leaks");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
            .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        Map<String, Object> v = JSON.std.mapFrom(r.body());
        assertThat(v).containsEntry("watchdogs", 1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> leaks = (List<Map<String, Object>>) v.get("leaks");
        assertThat(leaks)
            .singleElement()
            .satisfies(l -> {
              assertThat(l)
                  .containsEntry("kind", "STUCK_WAIT")
                  .containsEntry("shape", "UNKNOWN")
                  .containsEntry("name", "stuck")
                  .containsEntry("path", "app/stuck");
              assertThat((String) l.get("fix")).startsWith("nothing can cancel");
            });
        assertThat(http.get("leaks?x=1").statusCode()).isEqualTo(400);

        if (browser) {
          String dom = Chromium.dumpDom(server.url().toString());
          assertThat(dom).contains("data-loaded=");
          assertThat(dom).doesNotContain("id=\"leaks-section\" hidden");
          assertThat(Dom.text(Dom.byId(dom, "leaks")))
              .contains("UNKNOWN")
              .contains("'stuck'")
              .contains("nothing can cancel");
        }
      }
    }
  }
}
