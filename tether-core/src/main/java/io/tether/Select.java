package io.tether;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Go's {@code select}: wait until exactly one of several operations can proceed, and run only that
 * one.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * while (true) {
 *   boolean more = Select.select(
 *       jobs.onReceiveOrClosed(j -> { handle(j); return true; }, () -> false),
 *       ctx.onDone(() -> false),
 *       Select.onTimeout(Duration.ofSeconds(30), () -> { heartbeat(); return true; }));
 *   if (!more) break;
 * }
 * }</pre>
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li>Exactly one clause proceeds: a losing clause never consumes or sends a value. Its action
 *       runs on the calling thread, after every internal lock is released.
 *   <li>When several clauses are ready, one is chosen uniformly at random (Go's rule), so no clause
 *       starves.
 *   <li>A receive clause on a closed, drained channel is ready and throws {@link
 *       ChannelClosedException} when chosen; {@link Channel#onReceiveOrClosed} reports the close to
 *       its own action instead. A send clause on a closed channel throws.
 *   <li>While a task waits here, the registry shows {@code select} and its clauses.
 * </ul>
 *
 * <h2>How it works</h2>
 *
 * The channels involved are locked together, in a global order (so two selects never deadlock);
 * each clause is polled once in a random order; if none can proceed, each is registered so that a
 * counterpart, a closing channel, a context or a timer can claim the select by CAS, and the locks
 * are released. The first claim wins; the thread wakes, unregisters the others and runs the winning
 * action. Go's runtime does the same.
 *
 * <h2>Memory consistency effects</h2>
 *
 * As for the operation of the chosen clause (see {@link Channel}, {@link Context}).
 */
public final class Select {
  private Select() {}

  /**
   * Waits until one clause can proceed, performs it, and returns its action's result. To bound the
   * wait, add {@code ctx.onDone(..)} or {@link #onTimeout} as a clause: that is the context form.
   *
   * @throws IllegalArgumentException if there are no clauses (Go's empty {@code select {}} would
   *     block forever)
   * @throws InterruptedException if interrupted while waiting; no clause proceeded
   * @throws ChannelClosedException if the chosen clause hit a closed channel
   */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read, never stored or exposed
  public static <R> R select(SelectClause<? extends R>... clauses) throws InterruptedException {
    Objects.requireNonNull(clauses, "clauses");
    return Select.<R>select0(check(Arrays.<SelectClause<? extends R>>asList(clauses)));
  }

  /**
   * Like {@link #select(SelectClause[])}, for a list of clauses built at run time (a fan-in over
   * however many channels there are).
   */
  public static <R> R select(List<? extends SelectClause<? extends R>> clauses)
      throws InterruptedException {
    Objects.requireNonNull(clauses, "clauses");
    return select0(check(clauses));
  }

  private static <R> R select0(Clause<? extends R>[] cs) throws InterruptedException {
    if (cs.length == 0) {
      throw new IllegalArgumentException(
          "select needs at least one clause (an empty select would wait forever); for a"
              + " non-blocking poll use selectOrDefault");
    }
    Channel<?>[] locks = lockOrder(cs);
    Object[] handles = new Object[cs.length];
    Parker parker;
    lockAll(locks);
    try {
      int winner = poll(cs, handles);
      if (winner >= 0) {
        Object outcome = handles[winner];
        unlockAll(locks);
        locks = null;
        return cs[winner].complete(outcome);
      }
      parker = new Parker(Thread.currentThread());
      try {
        for (int i = 0; i < cs.length && parker.state() == Parker.OPEN; i++) {
          handles[i] = cs[i].register(parker, i);
        }
      } catch (RuntimeException | Error e) {
        // Withdraw what was registered, so no counterpart can claim a select nobody waits for.
        // No channel clause can have been claimed: every channel is still locked.
        parker.tryClaim(Parker.ABANDONED);
        unlockAll(locks);
        locks = null;
        unregisterAll(cs, handles);
        throw e;
      }
    } finally {
      if (locks != null) {
        unlockAll(locks);
      }
    }
    Waits.Wait wait = Waits.select(new Described(cs), parker, cs);
    int won;
    try {
      won = parker.awaitDone(false, 0, wait);
    } finally {
      unregisterAll(cs, handles);
    }
    if (won == Parker.ABANDONED) {
      Thread.interrupted();
      throw new InterruptedException("interrupted while waiting in select; no clause proceeded");
    }
    return cs[won].complete(cs[won].outcome(parker));
  }

  private static void unregisterAll(Clause<?>[] cs, Object[] handles) {
    for (int i = 0; i < cs.length; i++) {
      if (handles[i] != null) {
        cs[i].unregister(handles[i]);
      }
    }
  }

  /**
   * Performs a clause that can proceed now, or returns {@code otherwise.get()}: Go's {@code select}
   * with a {@code default} case. Never blocks. With no clauses, runs {@code otherwise} (Go's {@code
   * select { default: }}).
   */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read, never stored or exposed
  public static <R> R selectOrDefault(
      Supplier<? extends R> otherwise, SelectClause<? extends R>... clauses) {
    Objects.requireNonNull(clauses, "clauses");
    return selectOrDefault0(otherwise, check(Arrays.<SelectClause<? extends R>>asList(clauses)));
  }

  /** Like {@link #selectOrDefault(Supplier, SelectClause[])}, for a list of clauses. */
  public static <R> R selectOrDefault(
      Supplier<? extends R> otherwise, List<? extends SelectClause<? extends R>> clauses) {
    Objects.requireNonNull(clauses, "clauses");
    return selectOrDefault0(otherwise, check(clauses));
  }

  private static <R> R selectOrDefault0(Supplier<? extends R> otherwise, Clause<? extends R>[] cs) {
    Objects.requireNonNull(otherwise, "otherwise");
    Channel<?>[] locks = lockOrder(cs);
    Object[] outcomes = new Object[cs.length];
    int winner;
    lockAll(locks);
    try {
      winner = poll(cs, outcomes);
    } finally {
      unlockAll(locks);
    }
    return winner >= 0 ? cs[winner].complete(outcomes[winner]) : otherwise.get();
  }

  /**
   * A clause that is ready once {@code timeout} has passed since the select began waiting; zero or
   * negative: ready at once.
   */
  public static <R> SelectClause<R> onTimeout(Duration timeout, Supplier<? extends R> action) {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(action, "action");
    return new TimeoutClause<>(AbstractContext.saturatedNanos(timeout), action);
  }

  // ---- internals ----

  /** The clauses as internal clauses; a null one throws NPE naming its index. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <R> Clause<? extends R>[] check(
      List<? extends SelectClause<? extends R>> clauses) {
    Clause<? extends R>[] cs = new Clause[clauses.size()];
    int i = 0;
    for (SelectClause<? extends R> c : clauses) {
      if (c == null) {
        throw new NullPointerException("clauses[" + i + "]"); // the message only when needed
      }
      cs[i++] = (Clause<? extends R>) c;
    }
    return cs;
  }

  /**
   * Pass 1, every channel locked: tries each clause once, in a uniformly random order (Go's
   * pollorder: a random permutation, so that any two ready clauses are equally likely to win,
   * wherever they sit among clauses that are not ready). Returns the index of the one that
   * proceeded, with its outcome in {@code outcomes[index]}; -1 if none could.
   */
  private static int poll(Clause<?>[] cs, Object[] outcomes) {
    int n = cs.length;
    if (n == 1) {
      Object outcome = cs[0].tryNow();
      if (outcome == Clause.NOT_READY) {
        return -1;
      }
      outcomes[0] = outcome;
      return 0;
    }
    int[] order = new int[n];
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) { // inside-out Fisher-Yates: order is a uniform permutation
      int j = random.nextInt(i + 1);
      order[i] = order[j];
      order[j] = i;
    }
    for (int i : order) {
      Object outcome = cs[i].tryNow();
      if (outcome != Clause.NOT_READY) {
        outcomes[i] = outcome;
        return i;
      }
    }
    return -1;
  }

  /** The distinct channels of the clauses, in lock order. */
  private static Channel<?>[] lockOrder(Clause<?>[] cs) {
    Channel<?>[] chans = new Channel<?>[cs.length];
    int n = 0;
    for (Clause<?> c : cs) {
      Channel<?> ch = c.channel();
      if (ch != null) {
        chans[n++] = ch;
      }
    }
    Arrays.sort(chans, 0, n, Comparator.comparingLong(ch -> ch.id));
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (distinct == 0 || chans[distinct - 1] != chans[i]) {
        chans[distinct++] = chans[i];
      }
    }
    return Arrays.copyOf(chans, distinct);
  }

  private static void lockAll(Channel<?>[] locks) {
    for (Channel<?> ch : locks) {
      ch.lock.lock();
    }
  }

  private static void unlockAll(Channel<?>[] locks) {
    for (int i = locks.length - 1; i >= 0; i--) {
      locks[i].lock.unlock();
    }
  }

  /** For {@link #describe}: what a waiting select waits on, shown by the registry. */
  private record Described(Clause<?>[] clauses) {
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("select(");
      for (int i = 0; i < clauses.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(clauses[i].describe());
      }
      return sb.append(')').toString();
    }
  }
}
