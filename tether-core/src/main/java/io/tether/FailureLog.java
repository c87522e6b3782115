package io.tether;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * The failures an owner (a {@link Scope}, a {@link Service}, a {@link Supervisor}) has collected
 * and must report (law L4), each reported once. An entry is a failed {@link Task}, whose failure
 * also counts as seen once someone saw it on the task's handle ({@code join}, {@code
 * exceptionNow}), or a bare throwable (a listener's exception, a child's unrestarted failure).
 *
 * <p>Entries keep the order they were added in. Every method takes the log's own lock, held only
 * for list operations: never while blocking or calling out.
 */
final class FailureLog {
  /** {@code Task<?>} or {@code Throwable} entries, in order; null until the first. */
  private List<Object> entries;

  /** Adds a failed task; returns whether it is the first entry. */
  synchronized boolean add(Task<?> failed) {
    return add0(failed);
  }

  /** Adds a failure to report once. */
  synchronized void add(Throwable failure) {
    add0(failure);
  }

  synchronized void addAll(Collection<? extends Throwable> failures) {
    for (Throwable t : failures) {
      add0(t);
    }
  }

  private boolean add0(Object entry) {
    boolean first = entries == null;
    if (first) {
      entries = new ArrayList<>(2);
    }
    entries.add(entry);
    return first;
  }

  /** Whether nothing was ever added. */
  synchronized boolean isEmpty() {
    return entries == null;
  }

  /** Every failed task's failure so far, in order, marked seen (bare throwables: those unseen). */
  synchronized List<Throwable> takeAll() {
    return take(true);
  }

  /** The failures nobody has seen yet, in order, now marked seen. */
  synchronized List<Throwable> takeUnseen() {
    return take(false);
  }

  /**
   * One exception carrying {@code failures} (at least one): the first as its cause, the rest
   * suppressed, so none is lost; {@code message} is followed by the first.
   */
  static TaskFailedException exception(String message, List<Throwable> failures) {
    Throwable first = failures.get(0);
    TaskFailedException e = new TaskFailedException(message + first, first);
    for (Throwable t : failures.subList(1, failures.size())) {
      e.addSuppressed(t);
    }
    return e;
  }

  private List<Throwable> take(boolean evenSeenTasks) {
    if (entries == null) {
      return List.of();
    }
    List<Throwable> out = new ArrayList<>(entries.size());
    for (Iterator<Object> it = entries.iterator(); it.hasNext(); ) {
      Object e = it.next();
      if (e instanceof Task<?> t) {
        if (evenSeenTasks || !t.failureSeen) {
          t.failureSeen = true;
          out.add(t.failure());
        }
      } else {
        it.remove(); // a bare throwable is reported once: taken out
        out.add((Throwable) e);
      }
    }
    return out;
  }
}
