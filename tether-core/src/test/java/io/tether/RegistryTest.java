package io.tether;

import static io.tether.ScopeTest.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;

import io.tether.testing.Bounded;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The registry: every live scope and task, with owner path, spawn site and wait state. */
class RegistryTest {

  private static List<TaskInfo> under(String rootName) {
    return Tasks.snapshot().stream()
        .filter(i -> i.path().equals(rootName) || i.path().startsWith(rootName + "/"))
        .toList();
  }

  @Test
  void snapshotShowsScopesAndTasksWithPathSiteAndWaitState() throws Exception {
    Instant before = Instant.now();
    try (Scope app = Scope.open(Context.background(), "app-reg")) {
      Task<Void> ingest =
          app.go(
              "ingest",
              c -> {
                try (Scope inner = Scope.open(c, "fetchers")) {
                  inner.go("fetch-17", Context::await);
                  inner.join();
                }
              });
      Bounded.until("fetch-17 registered and waiting", () -> waitingFetch() != null);
      awaitWaiting(ingest, "scope.join");

      List<TaskInfo> infos = under("app-reg");
      // Every entry of the tree knows the thread that opened its root: this test's thread.
      assertThat(infos).extracting(TaskInfo::rootThread).containsOnly(Thread.currentThread());
      assertThat(infos)
          .extracting(TaskInfo::path)
          .containsExactlyInAnyOrder(
              "app-reg",
              "app-reg/ingest",
              "app-reg/ingest/fetchers",
              "app-reg/ingest/fetchers/fetch-17");
      TaskInfo fetch = waitingFetch();
      assertThat(fetch.kind()).isEqualTo(TaskInfo.Kind.TASK);
      assertThat(fetch.state()).isEqualTo("RUNNING");
      assertThat(fetch.waitReason()).isEqualTo("ctx.await");
      assertThat(fetch.waitTarget()).contains("task(fetch-17)");
      assertThat(fetch.waitingSince()).isAfterOrEqualTo(before.minusMillis(1));
      assertThat(fetch.age()).isGreaterThanOrEqualTo(Duration.ZERO);
      assertThat(fetch.thread()).isNotNull();
      assertThat(fetch.thread().isVirtual()).isTrue();
      assertThat(fetch.spawnSite().getFileName()).isEqualTo("RegistryTest.java");
      assertThat(fetch.toString())
          .startsWith(
              "task #"
                  + fetch.id()
                  + " 'fetch-17' app-reg/ingest/fetchers/fetch-17 [RUNNING, ctx.await")
          .contains("spawned at ")
          .contains("RegistryTest.java");
      TaskInfo ingestInfo =
          infos.stream().filter(i -> i.name().equals("ingest")).findFirst().orElseThrow();
      assertThat(ingestInfo.waitReason()).isEqualTo("scope.join");
      TaskInfo scopeInfo =
          infos.stream().filter(i -> i.path().equals("app-reg")).findFirst().orElseThrow();
      assertThat(scopeInfo.kind()).isEqualTo(TaskInfo.Kind.SCOPE);
      assertThat(scopeInfo.state()).isEqualTo("OPEN");
      assertThat(scopeInfo.spawnSite())
          .as("scope sites cost a stack walk: full mode only")
          .isNull();

      app.cancel();
    }
    assertThat(under("app-reg")).isEmpty();
  }

  private static TaskInfo waitingFetch() {
    return under("app-reg").stream()
        .filter(i -> i.name().equals("fetch-17") && "ctx.await".equals(i.waitReason()))
        .findFirst()
        .orElse(null);
  }

  @Test
  void aTaskParkedInAJdkQueueShowsAsParkedOnItsBlocker() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<String> queue =
        new java.util.concurrent.LinkedBlockingQueue<>();
    try (Scope scope = Scope.open(Context.background(), "jdk-wait")) {
      Task<String> t = scope.spawn("taker", c -> queue.take());
      Bounded.until(
          "taker parked in the queue",
          () ->
              t.thread != null
                  && java.util.concurrent.locks.LockSupport.getBlocker(t.thread) != null);
      TaskInfo info =
          Tasks.snapshot().stream().filter(i -> i.id() == t.id()).findFirst().orElseThrow();
      assertThat(info.waitReason()).isEqualTo("parked");
      assertThat(info.waitTarget()).contains("ConditionObject");
      assertThat(info.waitingSince()).isNull();
      queue.put("x");
      assertThat(t.join()).isEqualTo("x");
    }
  }

  @Test
  void aMillionTasksSpawnedAndJoinedInOneScopeLeaveTheRegistryEmpty() throws Exception {
    int n = 1_000_000;
    try (Scope scope = Scope.open(Context.background(), "million")) {
      for (int i = 0; i < n; i++) {
        scope.go(c -> {});
      }
      scope.join();
      assertThat(under("million")).hasSize(1); // just the scope itself
      assertThat(scope.liveTasks()).isEmpty();
      // Only the scope's own link that passes cancellation on to its tasks; no task is linked.
      assertThat(((CancelNode) scope.context()).linkedCount()).isEqualTo(1);
    }
    assertThat(under("million")).isEmpty();
  }

  /**
   * The registry's scopes are held in stripes by opening thread, and a scope is often closed on
   * another thread than the one that opened it: whatever the threads, a snapshot shows exactly the
   * scopes still open, and none once all are closed.
   */
  @Test
  void scopesOpenedAndClosedOnManyThreadsShowExactlyWhileOpen() throws Exception {
    int threads = 8;
    int perThread = 3 * LiveSet.MAX_SLOTS + 5; // several chunks per stripe
    List<List<Scope>> opened = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> openers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Scope> mine = new ArrayList<>(); // written by its opener, read after joining it
      opened.add(mine);
      String prefix = "stripes-" + t + "-";
      openers.add(
          Thread.ofPlatform()
              .start(() -> {
                Bounded.await(go);
                for (int i = 0; i < perThread; i++) {
                  mine.add(Scope.open(Context.background(), prefix + i));
                }
              }));
    }
    go.countDown();
    for (Thread t : openers) {
      Bounded.join(t);
    }
    // Close every other scope of each thread, on this thread.
    Set<String> expected = new HashSet<>();
    for (List<Scope> mine : opened) {
      for (int i = 0; i < mine.size(); i++) {
        if (i % 2 == 0) {
          mine.get(i).close();
        } else {
          expected.add(mine.get(i).name());
        }
      }
    }
    List<String> shown =
        Tasks.snapshot().stream()
            .map(TaskInfo::path)
            .filter(p -> p.startsWith("stripes-"))
            .toList();
    assertThat(shown).containsExactlyInAnyOrderElementsOf(expected);
    for (List<Scope> mine : opened) {
      for (int i = 1; i < mine.size(); i += 2) {
        mine.get(i).close();
      }
    }
    assertThat(Tasks.snapshot()).noneMatch(i -> i.path().startsWith("stripes-"));
  }

  @Test
  void anEndedTaskIsNotKeptReachable() throws Exception {
    WeakReference<Task<byte[]>> ref;
    try (Scope scope = Scope.open(Context.background(), "gc")) {
      ref = new WeakReference<>(scope.spawn(c -> new byte[1 << 20]));
      scope.join();
      // The scope is still open and referenced here; the ended task must not be held by it.
      for (int i = 0; i < 50 && ref.get() != null; i++) {
        System.gc();
        Thread.onSpinWait();
      }
      assertThat(ref.get()).as("ended task still reachable").isNull();
    }
  }
}
