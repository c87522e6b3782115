package io.tether;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The task registry: every live scope and ticker, and through each scope its live tasks.
 *
 * <p>Layout: scopes and tickers sit in concurrent sets, added at open/start and removed once closed
 * (a scope: closed with no live task left); each scope keeps its live tasks in a concurrent set of
 * its own, which it needs anyway to cancel, join, stop and name stragglers. Registering a task is
 * one lock-free insert; an ended task or scope is reachable from nowhere here.
 *
 * <p>A snapshot iterates those sets (weakly consistent iterators: never a lock, so it never blocks
 * a spawn) and reads each entry's state once into an immutable record.
 */
final class Registry {
  private Registry() {}

  /**
   * What owns something opened on {@code ctx}: the nearest task or scope whose context is {@code
   * ctx} or an ancestor of it (so a service started on a supervisor's context shows under the
   * supervisor), or null at the root.
   */
  static Object owner(AbstractContext ctx) {
    for (AbstractContext c = ctx; c != null; c = c.parent) {
      if (c instanceof CancelNode n && (n.owner() instanceof Task || n.owner() instanceof Scope)) {
        return n.owner();
      }
    }
    return null;
  }

  /** The thread that opened the outermost owner above {@code owner} (see TaskInfo.rootThread). */
  static Thread rootThread(Object owner) {
    return switch (owner) {
      case Task<?> t -> t.scope.rootThread();
      case Scope s -> s.rootThread();
      default -> throw new AssertionError("not an owner: " + owner);
    };
  }

  /** {@code owner path + "/" + name}, or just {@code name} under no owner. */
  static String pathUnder(Object owner, String name) {
    return switch (owner) {
      case null -> name;
      case Task<?> t -> t.path() + "/" + name;
      case Scope s -> s.path() + "/" + name;
      default -> throw new AssertionError("not an owner: " + owner);
    };
  }

  private static final AtomicLong IDS = new AtomicLong();

  private static final Set<Scope> SCOPES = ConcurrentHashMap.newKeySet();

  private static final Set<Ticker> TICKERS = ConcurrentHashMap.newKeySet();

  static long nextId() {
    return IDS.incrementAndGet();
  }

  static void add(Scope scope) {
    SCOPES.add(scope);
  }

  static void remove(Scope scope) {
    SCOPES.remove(scope);
  }

  static void add(Ticker ticker) {
    TICKERS.add(ticker);
  }

  static void remove(Ticker ticker) {
    TICKERS.remove(ticker);
  }

  /** The roles (services, supervisors) of the scopes registered now. */
  static List<ScopeRole> roles() {
    List<ScopeRole> out = new ArrayList<>();
    for (Scope scope : SCOPES) {
      ScopeRole r = scope.role;
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  static List<TaskInfo> snapshot() {
    Snapshot at = new Snapshot();
    List<TaskInfo> out = new ArrayList<>();
    for (Scope scope : SCOPES) {
      out.add(scope.info(at));
      for (Task<?> task : scope.liveTasks()) {
        out.add(task.info(at, false));
      }
    }
    for (Ticker ticker : TICKERS) {
      out.add(ticker.info(at));
    }
    return out;
  }

  /** One reading of both clocks, so every record of a snapshot has the same "now". */
  static final class Snapshot {
    final long nanos = System.nanoTime();
    final Instant wall = Instant.now();

    Instant wallOf(long nanoTime) {
      return wall.minusNanos(nanos - nanoTime);
    }

    Duration since(long nanoTime) {
      return Duration.ofNanos(nanos - nanoTime);
    }
  }
}
