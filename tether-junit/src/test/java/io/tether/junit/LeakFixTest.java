package io.tether.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.CancellableContext;
import io.tether.Channel;
import io.tether.Context;
import io.tether.Scope;
import io.tether.Select;
import io.tether.Service;
import io.tether.Tasks;
import io.tether.testing.Bounded;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The leak check says what it found and the fix that fits it (issue 12): raw threads on Tether
 * channels get the channel's shape, each leak names the owner never closed (where it was opened)
 * and the fix for the primitive actually involved.
 */
class LeakFixTest {
  private static final LeakOptions SHORT = LeakOptions.defaults().settle(Duration.ofMillis(200));

  /** Whether this JVM records where scopes open (the core-full-spawn-sites execution). */
  private static final boolean FULL_SITES = "full".equals(System.getProperty("tether.spawnSite"));

  private final CancellableContext ctx = Context.background().withCancel();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<Thread> rawThreads = new ArrayList<>();

  @AfterEach
  void release() throws Exception {
    ctx.cancel();
    for (Thread t : rawThreads) {
      t.interrupt(); // a raw thread in a Tether wait wakes on interrupt (law L6)
    }
    for (Thread t : rawThreads) {
      Bounded.join(t);
    }
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private static Leak only(List<Leak> leaks, String name) {
    List<Leak> named = leaks.stream().filter(l -> l.name().equals(name)).toList();
    assertThat(named).as("leaks named %s in %s", name, leaks).hasSize(1);
    return named.get(0);
  }

  private Thread raw(String name, Runnable body) {
    Thread t = Thread.ofVirtual().name(name).start(body);
    rawThreads.add(t);
    return t;
  }

  private static void untilTetherWait(Thread t, String reason) {
    Bounded.until(
        t + " in " + reason,
        () -> Tasks.waitOf(t).map(w -> w.reason().equals(reason)).orElse(false));
  }

  private static void send(Channel<Integer> ch, int v) {
    try {
      ch.send(v);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void receive(Channel<Integer> ch) {
    try {
      ch.receive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- item 9: raw threads on Tether channels ----

  @Test
  void aRawVirtualThreadBlockedInChannelSendIsSendBlockedNamingTheChannel() {
    Baseline baseline = Leaks.snapshot(SHORT);
    Channel<Integer> results = Channel.unbuffered("results");
    Thread t = raw("raw-sender", () -> send(results, 1));
    untilTetherWait(t, "chan send");

    Leak leak = only(baseline.find(), "raw-sender");
    assertThat(leak.pattern()).isEqualTo(LeakPattern.SEND_BLOCKED);
    assertThat(leak.kind()).isEqualTo("virtual thread");
    assertThat(leak.rootOwner()).isNull();
    if (!ThreadViews.fast()) {
      // Seen only in a JSON thread dump: the shape, from the Tether method it entered; the dump
      // does not name the channel.
      assertThat(leak.parkedOn()).startsWith("chan send on a Tether channel");
      return;
    }
    assertThat(leak.parkedOn()).isEqualTo("chan send on Channel[results, unbuffered, open]");
    assertThat(leak.waitingFor()).isNotNull();
    assertThat(leak.description())
        .startsWith("virtual thread 'raw-sender' parked in chan send on Channel[results");
    assertThat(leak.fix())
        .startsWith("nobody receives from Channel[results, unbuffered, open] any more: buffer");
  }

  @Test
  void aRawThreadBlockedInChannelReceiveIsReceiveBlocked() {
    Baseline baseline = Leaks.snapshot(SHORT);
    Channel<Integer> jobs = Channel.unbuffered("jobs");
    Thread t = raw("raw-receiver", () -> receive(jobs));
    untilTetherWait(t, "chan receive");

    Leak leak = only(baseline.find(), "raw-receiver");
    assertThat(leak.pattern()).isEqualTo(LeakPattern.RECEIVE_BLOCKED);
    if (!ThreadViews.fast()) {
      assertThat(leak.parkedOn()).startsWith("chan receive on a Tether channel");
      return;
    }
    assertThat(leak.parkedOn()).isEqualTo("chan receive on Channel[jobs, unbuffered, open]");
    assertThat(leak.fix()).contains("nobody sends to or closes Channel[jobs").contains("close");
  }

  @Test
  void anExecutorThreadBlockedInASelectIsReceiveBlocked() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Channel<Integer> a = Channel.unbuffered("a");
    Channel<Integer> b = Channel.unbuffered("b");
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    toClose.add(pool::shutdownNow); // interrupts the thread: the select wakes
    pool.submit(() -> Select.select(a.onReceive(v -> v), b.onReceive(v -> v)));
    Bounded.until(
        "an executor thread in select",
        () ->
            baseline.find().stream()
                .anyMatch(l -> l.parkedOn() != null && l.parkedOn().startsWith("select")));

    List<Leak> leaks = baseline.find();
    assertThat(leaks)
        .singleElement()
        .satisfies(l -> {
          assertThat(l.kind()).isEqualTo("virtual thread");
          if (ThreadViews.fast()) {
            assertThat(l.pattern()).isEqualTo(LeakPattern.RECEIVE_BLOCKED);
            assertThat(l.parkedOn())
                .contains("receive on Channel[a")
                .contains("receive on Channel[b");
          } else {
            // A JSON dump says it is in a select, not on which clauses: no shape to claim.
            assertThat(l.pattern()).isEqualTo(LeakPattern.UNKNOWN);
          }
        });
  }

  @Test
  void theJsonDumpPathSeesARawThreadsChannelWaitToo() {
    ThreadViews.forceDump = true;
    try {
      Baseline baseline = Leaks.snapshot(SHORT);
      Channel<Integer> results = Channel.unbuffered("dumped");
      Thread t = raw("raw-dumped-sender", () -> send(results, 1));
      untilTetherWait(t, "chan send");

      Leak leak = only(baseline.find(), "raw-dumped-sender");
      assertThat(leak.pattern()).isEqualTo(LeakPattern.SEND_BLOCKED);
      assertThat(leak.parkedOn()).startsWith("chan send on a Tether channel");
      assertThat(leak.fix()).startsWith("nobody receives from a Tether channel");
    } finally {
      ThreadViews.forceDump = false;
    }
  }

  // ---- item 10: the fix fits the finding ----

  @Test
  void aSendInsideAScopeNobodyClosedNamesTheScopeAsTheRootCause() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Channel<Integer> results = Channel.unbuffered("results");
    Scope scope = Scope.open(ctx, "search");
    toClose.add(scope);
    scope.go("producer", c -> results.send(42));
    Parks.untilTaskWaits("producer", "chan send");

    Leak leak = only(baseline.find(), "producer");
    assertThat(leak.pattern()).isEqualTo(LeakPattern.SEND_BLOCKED);
    assertThat(leak.ownerPath()).isEqualTo("search");
    assertThat(leak.rootOwner()).startsWith("scope 'search', opened at ").endsWith("never closed");
    if (FULL_SITES) {
      assertThat(leak.rootOwner())
          .startsWith("scope 'search', opened at io.tether.junit.LeakFixTest.aSendInside");
      assertThat(leak.fix())
          .startsWith("close scope 'search' (opened at io.tether.junit.LeakFixTest.aSendInside");
    }
    assertThat(leak.fix())
        .startsWith("close scope 'search'")
        .contains("its close() cancels and joins every task under it")
        .contains("and for the chan send itself: nobody receives from Channel[results");
  }

  @Test
  void aLeakNestedInAnUnclosedScopeNamesTheOutermostOwnerInTheMessage() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Channel<Integer> out = Channel.unbuffered("out");
    Scope outer = Scope.open(ctx, "outer");
    toClose.add(outer);
    outer.go(
        "stage",
        c -> {
          try (Scope inner = Scope.open(c, "inner")) {
            inner.go("sender", x -> out.send(1));
            inner.join();
          }
        });
    Parks.untilTaskWaits("sender", "chan send");
    Parks.untilTaskWaits("stage", "scope.join");

    assertThatThrownBy(baseline::verifyNone)
        .isInstanceOf(LeakError.class)
        .hasMessageContaining("SEND_BLOCKED: task 'sender' (outer/stage/inner/sender)")
        .hasMessageContaining("owner:       outer/stage/inner\n")
        .hasMessageContaining("root cause:  scope 'outer', opened at ")
        .hasMessageContaining("fix:         close scope 'outer'")
        .hasMessageContaining("and for the chan send itself: nobody receives from Channel[out")
        .hasMessageContaining("UNKNOWN: task 'stage' (outer/stage) parked in scope.join");
  }

  @Test
  void aRawSynchronousQueuePutGetsQueueAdviceNotChannelAdvice() {
    Baseline baseline = Leaks.snapshot(SHORT);
    SynchronousQueue<String> handoff = new SynchronousQueue<>();
    Thread t =
        raw(
            "raw-put",
            () -> {
              try {
                handoff.put("x");
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Parks.untilParked(t);

    Leak leak = only(baseline.find(), "raw-put");
    assertThat(leak.pattern()).isEqualTo(LeakPattern.SEND_BLOCKED);
    assertThat(leak.fix())
        .startsWith("nobody takes from this SynchronousQueue any more")
        .contains("offer(e, timeout, unit)")
        .doesNotContain("channel")
        .doesNotContain("select");
  }

  @Test
  void aTickerIsToldToStopTheTickerNotAnExecutor() {
    Baseline baseline = Leaks.snapshot(SHORT);
    io.tether.Ticker ticker = io.tether.Ticker.start(ctx, Duration.ofHours(1));
    toClose.add(ticker);

    Leak leak = baseline.find().get(0);
    assertThat(leak.pattern()).isEqualTo(LeakPattern.TICKER_NOT_STOPPED);
    assertThat(leak.fix()).startsWith("stop the ticker").doesNotContain("executor");
  }

  @Test
  void anUnclosedServiceIsToldToCloseTheService() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Service svc = Service.start(ctx, "poller", Context::await);
    toClose.add(svc);
    Parks.untilTaskWaits("run", "ctx.await");

    List<Leak> leaks = baseline.find();
    Leak leak = only(leaks, "run");
    assertThat(leak.ownerPath()).isEqualTo("poller");
    assertThat(leak.rootOwner()).startsWith("service 'poller', started at ");
    assertThat(leak.fix())
        .startsWith("close service 'poller' (started at io.tether.junit.LeakFixTest.")
        .doesNotContain("on a Scope");
    assertThat(leaks).noneMatch(l -> l.kind().equals("service")); // its task is the report
  }

  @Test
  void anUnclosedScopeShowsWhereItWasOpenedAndItsOwnerNotItself() throws Exception {
    Baseline baseline = Leaks.snapshot(SHORT);
    Scope app = Scope.open(ctx, "app");
    toClose.add(app);
    app.go(
        "holder",
        c -> {
          Scope forgotten = Scope.open(c, "forgotten"); // never closed
          c.await();
          forgotten.close();
        });
    Bounded.until(
        "forgotten opened",
        () -> Tasks.snapshot().stream().anyMatch(i -> i.path().equals("app/holder/forgotten")));
    Parks.untilTaskWaits("holder", "ctx.await");

    assertThatThrownBy(baseline::verifyNone)
        .isInstanceOf(LeakError.class)
        .hasMessageContaining("UNKNOWN: scope 'forgotten' (app/holder/forgotten) still OPEN")
        .hasMessageContaining("owner:       app/holder\n")
        .hasMessageContaining(
            FULL_SITES
                ? "opened at:   io.tether.junit.LeakFixTest.lambda$anUnclosedScope"
                : "opened at:   a line not recorded (-Dtether.spawnSite=full records it)")
        .hasMessageContaining("root cause:  scope 'app', opened at");
  }
}
