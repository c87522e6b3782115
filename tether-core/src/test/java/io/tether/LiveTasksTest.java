package io.tether;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.testing.Bounded;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A scope's live-task set: contents after any order of adds and removes, and no dead chunks. */
class LiveTasksTest {

  private Scope owner;

  @BeforeEach
  void open() {
    owner = Scope.open(Context.background(), "live-tasks-test");
  }

  @AfterEach
  void close() {
    owner.close();
  }

  /** Tasks that are never started: only their identity and slot fields are used here. */
  private List<Task<?>> tasks(int n) {
    List<Task<?>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Task<Void>(i, null, owner, (VoidWork) c -> {}, null));
    }
    return out;
  }

  private static Set<Task<?>> contents(LiveTasks set) {
    Set<Task<?>> out = new HashSet<>();
    for (Task<?> t : set) {
      assertThat(out.add(t)).as("seen twice: %s", t).isTrue();
    }
    return out;
  }

  @Test
  void iterationShowsExactlyTheTasksAddedAndNotRemoved() {
    long seed = System.nanoTime();
    System.out.println("LiveTasksTest seed " + seed);
    Random random = new Random(seed);
    LiveTasks set = new LiveTasks();
    List<Task<?>> all = tasks(5 * LiveTasks.MAX_SLOTS + 7);
    Set<Task<?>> expected = new HashSet<>();
    List<Task<?>> live = new ArrayList<>();
    for (Task<?> t : all) {
      set.add(t);
      expected.add(t);
      live.add(t);
      if (random.nextInt(3) == 0) {
        Task<?> gone = live.remove(random.nextInt(live.size()));
        set.remove(gone);
        expected.remove(gone);
      }
      assertThat(contents(set)).isEqualTo(expected);
    }
    while (!live.isEmpty()) {
      Task<?> gone = live.remove(random.nextInt(live.size()));
      set.remove(gone);
      expected.remove(gone);
      assertThat(contents(set)).isEqualTo(expected);
    }
    assertThat(set.chunks()).as("dead chunks left linked").isEqualTo(1);
  }

  @Test
  void deadChunksAreUnlinkedWhetherTheyDieBeforeOrAfterANewHead() {
    LiveTasks set = new LiveTasks();
    List<Task<?>> first = tasks(LiveTasks.FIRST_SLOTS);
    first.forEach(set::add);
    first.forEach(set::remove); // the head dies while still the head
    assertThat(set.chunks()).isEqualTo(1);
    int a = 2 * LiveTasks.FIRST_SLOTS; // chunks double: the next three hold a, 2a and 4a
    List<Task<?>> second = tasks(7 * a);
    second.forEach(set::add); // bypasses the dead head, then fills two more
    assertThat(set.chunks()).isEqualTo(3);
    second.subList(a, 3 * a).forEach(set::remove); // the middle chunk
    assertThat(set.chunks()).isEqualTo(2);
    assertThat(contents(set)).hasSize(5 * a);
  }

  /**
   * An ended task whose handle is kept keeps its chunk reachable; an unlinked chunk must not also
   * keep every chunk made after it (a chain that would grow for as long as the handle is held).
   */
  @Test
  void anUnlinkedChunkKeepsNoNewerChunkReachable() {
    LiveTasks set = new LiveTasks();
    List<Task<?>> first = tasks(LiveTasks.FIRST_SLOTS);
    first.forEach(set::add);
    Task<?> next = tasks(1).get(0);
    set.add(next); // a new head after the first chunk
    first.forEach(set::remove); // the first chunk dies and is unlinked
    assertThat(first.get(0).liveChunk.newer).isNull();
    assertThat(contents(set)).containsExactly(next);
  }

  @Test
  void chunksGrowToTheirCapAndNoFurther() {
    LiveTasks set = new LiveTasks();
    int n = 0;
    int size = LiveTasks.FIRST_SLOTS;
    int chunks = 0;
    while (size < LiveTasks.MAX_SLOTS) {
      n += size;
      size *= 2;
      chunks++;
    }
    assertThat(size).isEqualTo(LiveTasks.MAX_SLOTS);
    tasks(n + 3 * LiveTasks.MAX_SLOTS).forEach(set::add); // the doubling chunks, then three more
    assertThat(set.chunks()).isEqualTo(chunks + 3);
  }

  @Test
  void concurrentAddsAndRemovesLeaveNothingBehind() throws Exception {
    LiveTasks set = new LiveTasks();
    int threads = 4;
    int perThread = 20 * LiveTasks.MAX_SLOTS;
    List<List<Task<?>>> batches = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      batches.add(tasks(perThread));
    }
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (List<Task<?>> batch : batches) {
      workers.add(
          Thread.ofPlatform()
              .start(() -> {
                Bounded.await(go);
                for (int i = 0; i < batch.size(); i++) {
                  set.add(batch.get(i));
                  if (i >= 10) {
                    set.remove(batch.get(i - 10)); // ends lag spawns, as in a batch
                  }
                }
                for (int i = batch.size() - 10; i < batch.size(); i++) {
                  set.remove(batch.get(i));
                }
              }));
    }
    go.countDown();
    Set<Task<?>> seenWhileRunning = contents(set); // must not fail or see a task twice
    assertThat(seenWhileRunning.size()).isLessThanOrEqualTo(threads * perThread);
    for (Thread w : workers) {
      assertThat(w.join(java.time.Duration.ofSeconds(30))).isTrue();
    }
    assertThat(contents(set)).isEmpty();
    assertThat(set.chunks()).isLessThanOrEqualTo(1);
  }
}
