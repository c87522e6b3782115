package io.tether;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Go's channel: a typed pipe between tasks, unbuffered ({@code make(chan T)}) or buffered ({@code
 * make(chan T, n)}), that the sender side closes.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * Channel<Job> jobs = Channel.buffered("jobs", 64);
 * try (Scope scope = Scope.open(ctx, "pipeline")) {
 *   scope.go("producer", c -> {
 *     try {
 *       for (Job j : source) jobs.send(c, j);     // waits for room; wakes if c is cancelled
 *     } finally {
 *       jobs.close();                             // the sender side closes
 *     }
 *   });
 *   scope.go("consumer", c -> {
 *     for (Job j : jobs) handle(j);               // ends once closed and drained
 *   });
 *   scope.join();
 * }
 * }</pre>
 *
 * <h2>Semantics</h2>
 *
 * <ul>
 *   <li>Unbuffered: a send completes only when a receiver takes the value. Buffered with capacity
 *       n: a send completes at once while fewer than n values wait in the buffer.
 *   <li>{@link #close()}: once, from the sender side. Values already buffered are still delivered
 *       (nothing is lost); after them, receives throw {@link ChannelClosedException}. Sends blocked
 *       at the close, and every later send, throw {@link ChannelClosedException} naming where the
 *       channel was closed: a send that did not happen always says so.
 *   <li>Blocking operations wake on interrupt ({@link InterruptedException}) and, in their context
 *       forms, when the context is done (the context's {@link Context#err()} is thrown: a fresh
 *       exception without a stack trace, as cancellations are control flow, so that one cancel
 *       reaching 10,000 waiters costs no 10,000 stack walks). An operation that is interrupted or
 *       cancelled has not happened: no value is lost or duplicated. {@code trySend} and {@code
 *       tryReceive} never block.
 *   <li>While a task is blocked here, the registry shows {@code chan send} or {@code chan receive},
 *       this channel, and since when.
 *   <li>{@code null} elements are refused.
 * </ul>
 *
 * <h2>Memory consistency effects</h2>
 *
 * Actions in a thread before it sends a value happen-before the receive of that value returns in
 * another thread. For an unbuffered channel, the receive also happens-before the send completes.
 * Closing happens-before a receive that reports the close.
 *
 * <h2>Bad input</h2>
 *
 * A negative capacity throws {@link IllegalArgumentException}; a {@code null} element or name
 * throws {@link NullPointerException}; a second {@code close} throws {@link IllegalStateException}
 * naming where the first happened.
 *
 * @param <T> the element type
 */
public final class Channel<T> implements Iterable<T> {

  /*
   * Implementation overview (Go's runtime/chan.go, in Java).
   *
   * One lock (a ChanLock: a spin lock if unbuffered, see there) guards everything: the
   * ring buffer (a Ring), the queue of blocked senders and the queue of blocked receivers (a
   * WaitQueue each). At most one of the queues is non-empty while the channel is open, and
   * receivers only wait while the buffer is empty, senders only while it is full (or, unbuffered,
   * while no receiver waits).
   *
   * A blocked operation is a Parker (a ChanWaiter for a plain send/receive; one Parker shared by
   * several ChanWaiters for a select). Whoever completes it claims it first by CAS on its state:
   * a counterpart (under this lock), a close (under this lock), a context link or a timer (no
   * lock), or the blocked thread itself when interrupted, cancelled or timed out ("abandoned").
   * Exactly one claim succeeds, so a value is handed over exactly once and an abandoned operation
   * has not happened. Queue entries whose parker was claimed elsewhere are dropped when met.
   *
   * A select locks all its channels in id order, polls every clause, and registers its waiters
   * before releasing any lock, so no counterpart can see a half-registered select; that is why a
   * select never has to undo a claim of its own.
   *
   * Invariants: buf.size() <= capacity; a ChanWaiter is `queued` iff it is linked in one of the
   * queues; `closed` only goes from null to non-null, under the lock, and then both queues are
   * emptied.
   */

  private static final AtomicLong IDS = new AtomicLong();

  /** Orders channels for select, which locks several at once in this order. */
  final long id = IDS.incrementAndGet();

  private final String name;
  private final int capacity;

  final ChanLock lock;

  // ---- guarded by lock ----
  private final Ring buf; // Ring.NONE when unbuffered
  private final WaitQueue senders = new WaitQueue();
  private final WaitQueue receivers = new WaitQueue();

  /** Null while open; written under the lock, read without it. */
  private volatile Closed closed;

  // ---- for leak watchdogs ({@link WaitProbe}): written under the lock by each completed
  // operation, read without it (racy hints; a watchdog trusts them only when they stayed the same
  // for its whole threshold). The cost per operation: a long increment and a reference compare on
  // fields the operation's cache line already holds; a reference write only when the thread on a
  // side changes. ----
  private final Thread creator = Thread.currentThread();
  private long ops; // completed sends, receives and the close
  private Thread lastSender;
  private Thread lastReceiver;

  private record Closed(Object site, Throwable cause) {}

  private Channel(String name, int capacity) {
    this.name = name;
    this.capacity = capacity;
    this.buf = capacity == 0 ? Ring.NONE : new Ring(capacity);
    this.lock = new ChanLock(capacity == 0);
  }

  // ---- making ----

  /** An unbuffered channel: each send waits for a receiver. */
  public static <T> Channel<T> unbuffered() {
    return new Channel<>(null, 0);
  }

  /** A named unbuffered channel; the name shows in dumps and messages. */
  public static <T> Channel<T> unbuffered(String name) {
    return new Channel<>(Objects.requireNonNull(name, "name"), 0);
  }

  /**
   * A channel holding up to {@code capacity} values; 0 means unbuffered.
   *
   * @throws IllegalArgumentException if {@code capacity < 0}
   */
  public static <T> Channel<T> buffered(int capacity) {
    return new Channel<>(null, checkCapacity(capacity));
  }

  /** A named buffered channel. */
  public static <T> Channel<T> buffered(String name, int capacity) {
    return new Channel<>(Objects.requireNonNull(name, "name"), checkCapacity(capacity));
  }

  private static int checkCapacity(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException(
          "channel capacity " + capacity + " is negative; use 0 (unbuffered) or more");
    }
    return capacity;
  }

  /** The name given at creation, or {@code chan-<id>}. */
  public String name() {
    return name != null ? name : "chan-" + id;
  }

  /** How many values the buffer holds at most; 0 for an unbuffered channel. */
  public int capacity() {
    return capacity;
  }

  // ---- sending ----

  /**
   * Sends {@code value}, waiting for a receiver (unbuffered) or for room (buffered).
   *
   * @throws ChannelClosedException if the channel is or gets closed before the value is taken
   * @throws InterruptedException if interrupted while waiting; the value was not sent
   */
  public void send(T value) throws InterruptedException {
    send0(null, value);
  }

  /**
   * Like {@link #send(Object)}, and gives up when {@code ctx} is done.
   *
   * @throws CancellationException {@code ctx.err()} if it is done before the value is taken; the
   *     value was not sent
   */
  public void send(Context ctx, T value) throws InterruptedException {
    send0(Objects.requireNonNull(ctx, "ctx"), value);
  }

  private void send0(Context ctx, T value) throws InterruptedException {
    Objects.requireNonNull(value, "value");
    AbstractContext.throwErrIfDone(ctx);
    ChanWaiter me;
    lock.lock();
    try {
      if (sendNow(value)) {
        return;
      }
      me = new ChanWaiter(Thread.currentThread(), value);
      linkSender(me);
    } finally {
      lock.unlock();
    }
    block(me, ctx, "chan send");
  }

  /**
   * Sends if that can be done without waiting: a receiver is waiting or the buffer has room.
   *
   * @return whether the value was sent
   * @throws ChannelClosedException if the channel is closed
   */
  public boolean trySend(T value) {
    Objects.requireNonNull(value, "value");
    lock.lock();
    try {
      return sendNow(value);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Under the lock: hands {@code value} to a waiting receiver or buffers it; false if neither can
   * be done now.
   *
   * @throws ChannelClosedException if closed
   */
  boolean sendNow(Object value) {
    throwIfClosed();
    ChanWaiter receiver = pollReceiver();
    if (receiver != null) {
      receiver.parker.value = value;
      receiver.parker.complete();
      progressed(Thread.currentThread(), receiver.parker.thread);
      return true;
    }
    if (buf.size() < capacity) {
      buf.add(value);
      progressed(Thread.currentThread(), null);
      return true;
    }
    return false;
  }

  // ---- receiving ----

  /**
   * Receives the next value, waiting for one.
   *
   * @throws ChannelClosedException once the channel is closed and drained (its cause is the one
   *     given to {@link #close(Throwable)}, if any)
   * @throws InterruptedException if interrupted while waiting; nothing was received
   */
  public T receive() throws InterruptedException {
    return receive0(null);
  }

  /**
   * Like {@link #receive()}, and gives up when {@code ctx} is done.
   *
   * @throws CancellationException {@code ctx.err()} if it is done first; nothing was received
   */
  public T receive(Context ctx) throws InterruptedException {
    return receive0(Objects.requireNonNull(ctx, "ctx"));
  }

  @SuppressWarnings("unchecked")
  private T receive0(Context ctx) throws InterruptedException {
    AbstractContext.throwErrIfDone(ctx);
    Object v = receiveOrClosed(ctx);
    if (v == CLOSED) {
      throw closedForReceive();
    }
    return (T) v;
  }

  /** Marks "closed and drained" where a value would be. */
  static final Object CLOSED = new Object();

  /** Receives a value, or returns {@link #CLOSED} once closed and drained. */
  private Object receiveOrClosed(Context ctx) throws InterruptedException {
    ChanWaiter me;
    lock.lock();
    try {
      Object v = takeNow();
      if (v != null) {
        return v;
      }
      me = new ChanWaiter(Thread.currentThread(), null);
      linkReceiver(me);
    } finally {
      lock.unlock();
    }
    block(me, ctx, "chan receive");
    return me.closed ? CLOSED : me.value;
  }

  /**
   * Receives a value if one is ready, without waiting.
   *
   * @return the value, or null if none is ready
   * @throws ChannelClosedException if the channel is closed and drained
   */
  @SuppressWarnings("unchecked")
  public T tryReceive() {
    Object v;
    lock.lock();
    try {
      v = takeNow();
    } finally {
      lock.unlock();
    }
    if (v == CLOSED) {
      throw closedForReceive();
    }
    return (T) v;
  }

  /**
   * Under the lock: takes a value from the buffer or a waiting sender; {@link #CLOSED} if closed
   * and drained; null if nothing is ready. Wakes the sender it takes from.
   */
  Object takeNow() {
    if (buf.size() > 0) {
      Object v = buf.poll();
      ChanWaiter sender = pollSender();
      if (sender != null) {
        buf.add(sender.item);
        sender.parker.complete();
      }
      progressed(sender == null ? null : sender.parker.thread, Thread.currentThread());
      return v;
    }
    ChanWaiter sender = pollSender();
    if (sender != null) {
      sender.parker.complete();
      progressed(sender.parker.thread, Thread.currentThread());
      return sender.item;
    }
    return closed != null ? CLOSED : null;
  }

  // ---- closing ----

  /**
   * Closes the channel: no more sends; receivers drain what is buffered, then get {@link
   * ChannelClosedException}. Blocked senders wake with that exception.
   *
   * @throws IllegalStateException if already closed (the message names where)
   */
  public void close() {
    close0(null);
  }

  /** Like {@link #close()}, recording {@code cause}: receivers' exceptions carry it. */
  public void close(Throwable cause) {
    close0(Objects.requireNonNull(cause, "cause"));
  }

  private void close0(Throwable cause) {
    Object site = SpawnSites.site();
    ChanWaiter receiving;
    ChanWaiter sending;
    lock.lock();
    try {
      Closed c = closed;
      if (c != null) {
        throw new IllegalStateException(
            describe()
                + " is already closed (closed at "
                + c.site
                + "); close it once, from the"
                + " sender side");
      }
      closed = new Closed(site != null ? site : "thread " + Thread.currentThread(), cause);
      ops++;
      receiving = receivers.detachAll();
      sending = senders.detachAll();
    } finally {
      lock.unlock();
    }
    wakeClosed(receiving);
    wakeClosed(sending);
  }

  private static void wakeClosed(ChanWaiter list) {
    for (ChanWaiter w = list; w != null; ) {
      ChanWaiter next = w.next;
      w.prev = w.next = null;
      if (w.parker.tryClaim(w.clause)) {
        w.parker.closed = true;
        w.parker.complete();
      }
      w = next;
    }
  }

  /** Whether {@link #close} has been called (values may still be buffered). */
  public boolean isClosed() {
    return closed != null;
  }

  // ---- iteration ----

  /**
   * Iterates until the channel is closed and drained (Go's {@code for v := range ch}). {@code
   * hasNext()} blocks for the next value; if interrupted, it throws {@link CancellationException}
   * and keeps the interrupt status. Iteration has no context form (an {@code Iterator} takes no
   * arguments): a task's cancel interrupts its thread, which ends the wait; for a context-bound
   * loop use {@link #receive(Context)} or a select with {@code ctx.onDone(..)}.
   */
  @Override
  public Iterator<T> iterator() {
    return new Iterator<>() {
      private Object next;

      @Override
      public boolean hasNext() {
        if (next == null) {
          try {
            next = receiveOrClosed(null);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CancellationException c =
                new CancellationException("interrupted while iterating " + describe());
            c.initCause(e);
            throw c;
          }
        }
        return next != CLOSED;
      }

      @Override
      @SuppressWarnings("unchecked")
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException(describe() + " is closed and drained");
        }
        Object v = next;
        next = null;
        return (T) v;
      }
    };
  }

  // ---- select clauses ----

  /** A select clause that receives a value and returns {@code action.apply(value)}. */
  public <R> SelectClause<R> onReceive(Function<? super T, ? extends R> action) {
    Objects.requireNonNull(action, "action");
    return new ChanClause<>(this, false, null, action, null, null);
  }

  /**
   * A select clause that receives a value, or reports the close: {@code action.apply(value)}, or
   * {@code onClosed.get()} once the channel is closed and drained (instead of throwing).
   */
  public <R> SelectClause<R> onReceiveOrClosed(
      Function<? super T, ? extends R> action, Supplier<? extends R> onClosed) {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(onClosed, "onClosed");
    return new ChanClause<>(this, false, null, action, null, onClosed);
  }

  /** A select clause that sends {@code value} and returns {@code action.get()}. */
  public <R> SelectClause<R> onSend(T value, Supplier<? extends R> action) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(action, "action");
    return new ChanClause<>(this, true, value, null, action, null);
  }

  // ---- what a leak watchdog reads ({@link WaitProbe}) ----

  /** Under the lock: one operation completed; records the threads on each side, if known. */
  private void progressed(Thread sender, Thread receiver) {
    ops++;
    if (sender != null && lastSender != sender) {
      lastSender = sender;
    }
    if (receiver != null && lastReceiver != receiver) {
      lastReceiver = receiver;
    }
  }

  /** Completed operations so far: unchanged between two reads means no progress between them. */
  long progress() {
    return ops; // racy: a stale value only delays a watchdog's verdict
  }

  /** Whether a sender ({@code senders}) or a receiver is queued on this channel now (racy). */
  boolean hasQueued(boolean senders) {
    return senders ? !this.senders.isEmpty() : !receivers.isEmpty();
  }

  /**
   * Whether every thread known to act on the other side of a wait by {@code waiter} has ended: the
   * creator (even if it is the waiter: a creator that waits on its own channel has handed it to
   * someone), and the last thread that completed an operation on that side (unless that is the
   * waiter itself, now stuck).
   */
  boolean counterpartsEnded(boolean waiterSends, Thread waiter) {
    Thread last = waiterSends ? lastReceiver : lastSender;
    return !creator.isAlive() && (last == null || last == waiter || !last.isAlive());
  }

  // ---- internals shared with select (all under the lock) ----

  void linkSender(ChanWaiter w) {
    senders.link(w);
  }

  void linkReceiver(ChanWaiter w) {
    receivers.link(w);
  }

  /** Removes {@code w} from whichever queue holds it, if any. Under the lock. */
  void unlink(ChanWaiter w) {
    (w.item != null ? senders : receivers).unlink(w);
  }

  /** The first waiting receiver that can be claimed (claimed now), or null. Skips dead ones. */
  private ChanWaiter pollReceiver() {
    return receivers.poll();
  }

  private ChanWaiter pollSender() {
    return senders.poll();
  }

  /**
   * How long an unbuffered send or receive spins before parking, adapted to what spinning has been
   * worth on this channel: the full {@link Parker#RENDEZVOUS_SPINS} after a spin that caught the
   * partner, none after one that did not. Spinning only pays while the partner runs on another
   * carrier; when both share one carrier (or the other carrier is busy), every spin fails and only
   * delays the partner (a round trip then costs many times one whose spin caught the partner; the
   * figures are in docs/benchmarks-notes.md). While the budget is zero, a wait on a virtual thread
   * yields once instead (so that a partner queued on the same carrier runs first), and every {@link
   * #SPIN_PROBE}th wait spins in full once, to notice when spinning pays again. Read and written
   * without the lock by both sides: a racy hint, never part of correctness.
   */
  private int spinBudget = Parker.RENDEZVOUS_SPINS;

  private int spinProbe;

  private static final int SPIN_PROBE = 8;

  /** Spins for the partner of a rendezvous, as {@link #spinBudget} says; whether it answered. */
  private boolean spinForPartner(ChanWaiter me) {
    int spins = spinBudget;
    if (spins < Parker.RENDEZVOUS_SPINS && ++spinProbe % SPIN_PROBE == 0) {
      spins = Parker.RENDEZVOUS_SPINS;
    }
    if (spins == 0) {
      if (Thread.currentThread().isVirtual()) {
        // Not spinning, most likely because the partner cannot run meanwhile: it is queued on
        // this carrier. Yielding lets it run first, and then the hand-off needs no park/unpark.
        Thread.yield();
      }
      return me.spin(1);
    }
    boolean answered = me.spin(spins);
    int next = answered ? Parker.RENDEZVOUS_SPINS : 0;
    if (next != spinBudget) {
      spinBudget = next;
    }
    return answered;
  }

  /** Parks a plain operation; on interrupt or cancellation unregisters and throws. */
  private void block(ChanWaiter me, Context ctx, String reason) throws InterruptedException {
    AbstractContext.ParkerLink onCancel =
        ctx == null ? null : ((AbstractContext) ctx).wakeWhenDone(me, Parker.CANCELLED);
    try {
      // A rendezvous partner usually answers within a park's cost: spin first, and make the wait
      // record (shown in dumps, and the park blocker) only if this thread is going to park.
      boolean answered = capacity == 0 && spinForPartner(me);
      Waits.Wait wait = answered ? null : Waits.parked(reason, this, (AbstractContext) ctx, me);
      int won = me.awaitDone(false, 0, wait);
      if (won != Parker.ABANDONED && won != Parker.CANCELLED) {
        if (me.closed && me.item != null) {
          throw closedForSend();
        }
        return;
      }
      lock.lock();
      try {
        unlink(me);
      } finally {
        lock.unlock();
      }
      throw abandoned(ctx, reason);
    } finally {
      if (onCancel != null) {
        onCancel.stop();
      }
    }
  }

  /**
   * What to throw for an operation that was abandoned: the context's error if it is done, else an
   * {@link InterruptedException} (clearing the interrupt status, as JDK blocking methods do).
   */
  InterruptedException abandoned(Context ctx, String what) {
    AbstractContext.throwErrIfDone(ctx);
    Thread.interrupted();
    return new InterruptedException(
        "interrupted while waiting in " + what + " on " + describe() + "; it did not happen");
  }

  private void throwIfClosed() {
    if (closed != null) {
      throw closedForSend();
    }
  }

  ChannelClosedException closedForSend() {
    Closed c = closed;
    return new ChannelClosedException(
        "cannot send on " + describe() + ": it is closed (closed at " + c.site + ")", c.cause);
  }

  ChannelClosedException closedForReceive() {
    Closed c = closed;
    return new ChannelClosedException(
        describe() + " is closed and drained (closed at " + c.site + ")", c.cause);
  }

  String describe() {
    return "channel '" + name() + "'";
  }

  /** {@code Channel[jobs, 3/64 buffered, open]}. */
  @Override
  public String toString() {
    return "Channel["
        + name()
        + ", "
        + (capacity == 0 ? "unbuffered" : buf.size() + "/" + capacity + " buffered")
        + ", "
        + (closed == null ? "open" : "closed")
        + "]";
  }
}
