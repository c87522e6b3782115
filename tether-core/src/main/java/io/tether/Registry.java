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
 * <p>Layout: open scopes sit in striped {@link LiveSet}s, added at open and removed once closed
 * with no live task left; tickers in a concurrent set, added at start and removed at stop. Each
 * scope keeps its live tasks in a {@link LiveTasks} of its own, which it needs anyway to cancel,
 * join, stop and name stragglers. Registering a scope or a task is a lock-free insert into a slot;
 * an ended task or a closed scope is reachable from nowhere here.
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

  /**
   * {@code owner path + "/" + name}, or just {@code name} under no owner; the name as one path
   * segment (see {@link #segment}).
   */
  static String pathUnder(Object owner, String name) {
    String seg = segment(name);
    return switch (owner) {
      case null -> seg;
      case Task<?> t -> t.path() + "/" + seg;
      case Scope s -> s.path() + "/" + seg;
      default -> throw new AssertionError("not an owner: " + owner);
    };
  }

  /**
   * A name as one path segment: as it is, unless it holds a {@code /}, a {@code "} or a {@code \}
   * or is empty; then quoted, with {@code "} and {@code \} escaped by a backslash. So paths stay
   * structural whatever tasks are named: {@code app/web/"GET /slow 0"}.
   */
  static String segment(String name) {
    boolean plain = !name.isEmpty();
    for (int i = 0; plain && i < name.length(); i++) {
      char c = name.charAt(i);
      plain = c != '/' && c != '"' && c != '\\';
    }
    if (plain) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name.length() + 2).append('"');
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }

  /**
   * The segments of a path made by {@link #pathUnder}, each as it appears in the path (quoted
   * segments keep their quotes): {@code app}, {@code web}, {@code "GET /slow 0"}.
   */
  static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = path.length();
    while (i <= n) {
      int start = i;
      if (i < n && path.charAt(i) == '"') {
        i++;
        while (i < n && path.charAt(i) != '"') {
          i += path.charAt(i) == '\\' ? 2 : 1;
        }
        i = Math.min(n, i + 1); // past the closing quote
      }
      int slash = path.indexOf('/', i);
      int end = slash < 0 ? n : slash;
      out.add(path.substring(start, end));
      i = end + 1;
    }
    return out;
  }

  /** The owner's path of an entry at {@code path}: all but its last segment; null at the root. */
  static String parentPath(String path) {
    List<String> segs = segments(path);
    if (segs.size() < 2) {
      return null;
    }
    int len = 0;
    for (int k = 0; k < segs.size() - 1; k++) {
      len += segs.get(k).length() + (k > 0 ? 1 : 0);
    }
    return path.substring(0, len);
  }

  private static final AtomicLong IDS = new AtomicLong();

  /**
   * The open scopes, in stripes chosen by the opening thread's id, so that threads opening scopes
   * at once on different carriers seldom add to the same chunk. A {@link LiveSet} rather than a
   * concurrent hash set: registering and unregistering a scope there was the largest part of an
   * empty scope's cost (figures in docs/benchmarks-notes.md).
   */
  private static final OpenScopes[] SCOPES = stripes();

  private static OpenScopes[] stripes() {
    int n = Integer.highestOneBit(Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 64));
    OpenScopes[] out = new OpenScopes[n];
    for (int i = 0; i < n; i++) {
      out[i] = new OpenScopes();
    }
    return out;
  }

  /**
   * One stripe of the open scopes; each scope keeps its place, and its stripe, in its {@link
   * Place}.
   */
  static final class OpenScopes extends LiveSet<Scope> {
    @Override
    void placed(Scope scope, Chunk chunk, int slot) {
      Place p = scope.registryPlace;
      p.stripe = this;
      p.chunk = chunk;
      p.slot = slot;
    }

    @Override
    Chunk chunkOf(Scope scope) {
      return scope.registryPlace.chunk;
    }

    @Override
    int slotOf(Scope scope) {
      return scope.registryPlace.slot;
    }
  }

  /**
   * Where the registry holds one scope. Written while the scope's constructor runs and reached
   * through a final field of the scope, so a thread that closes a scope it got without
   * synchronization still finds it (final-field semantics); plain fields of the scope would not be.
   */
  static final class Place {
    OpenScopes stripe;
    LiveSet.Chunk chunk;
    int slot;
  }

  /** A copy of the open scopes, stripe by stripe (weakly consistent, as {@link LiveSet} is). */
  private static List<Scope> scopes() {
    List<Scope> out = new ArrayList<>();
    for (OpenScopes stripe : SCOPES) {
      for (Scope scope : stripe) {
        out.add(scope);
      }
    }
    return out;
  }

  /** What else is listed beside scopes (tickers, which sit in a layer above this one). */
  private static final Set<Listed> OTHERS = ConcurrentHashMap.newKeySet();

  /**
   * An entry of the registry that is not a scope (a {@link Ticker}): it makes its own record. The
   * registry learns of the layers above it only through this interface.
   */
  interface Listed {
    /** This entry's record in the snapshot taken {@code at}. */
    TaskInfo info(Snapshot at);
  }

  static long nextId() {
    return IDS.incrementAndGet();
  }

  /** Registers an open scope; once per scope. */
  static void add(Scope scope) {
    long h = Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L; // spread consecutive ids
    SCOPES[(int) (h >>> 32) & (SCOPES.length - 1)].add(scope);
  }

  /** Unregisters a scope added before; once per scope. */
  static void remove(Scope scope) {
    scope.registryPlace.stripe.remove(scope);
  }

  static void add(Listed entry) {
    OTHERS.add(entry);
  }

  static void remove(Listed entry) {
    OTHERS.remove(entry);
  }

  /** The roles (services, supervisors) of the scopes registered now. */
  static List<ScopeRole> roles() {
    List<ScopeRole> out = new ArrayList<>();
    for (Scope scope : scopes()) {
      ScopeRole r = scope.role();
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  static List<TaskInfo> snapshot() {
    Snapshot at = new Snapshot();
    List<TaskInfo> out = new ArrayList<>();
    // Each entry carries its owner's id, so a tool can rebuild the tree without reading paths.
    for (Scope scope : scopes()) {
      TaskInfo info = scope.info(at, idOf(scope.owner()));
      out.add(info);
      for (Task<?> task : scope.liveTasks()) {
        out.add(task.info(at, false, info.path(), scope.id()));
      }
    }
    for (Listed entry : OTHERS) {
      out.add(entry.info(at));
    }
    return out;
  }

  /** The id of an owner (a task or scope), or 0 for none. */
  static long idOf(Object owner) {
    return switch (owner) {
      case null -> 0;
      case Task<?> t -> t.id();
      case Scope s -> s.id();
      default -> throw new AssertionError("not an owner: " + owner);
    };
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
