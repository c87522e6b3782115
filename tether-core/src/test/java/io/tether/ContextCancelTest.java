package io.tether;

import static io.tether.testing.Errors.assertSameCancellation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** Cancellation: down not up, first cancel wins, idempotent, unregistering. */
class ContextCancelTest {

  @Test
  void backgroundIsNeverDone() {
    Context bg = Context.background();
    assertThat(bg.isDone()).isFalse();
    assertThat(bg.err()).isNull();
    assertThat(bg.cause()).isNull();
    assertThat(bg.deadline()).isEmpty();
    assertThat(Context.background()).isSameAs(bg);
    bg.throwIfDone(); // no exception
  }

  @Test
  void cancelMakesDoneWithCancellationException() {
    CancellableContext c = Context.background().withCancel();
    assertThat(c.isDone()).isFalse();
    assertThat(c.err()).isNull();
    assertThat(c.cause()).isNull();

    c.cancel();

    assertThat(c.isDone()).isTrue();
    assertThat(c.err())
        .isExactlyInstanceOf(ContextErrors.Cancelled.class)
        .isNotInstanceOf(DeadlineExceededException.class)
        .hasMessage("context background.withCancel was cancelled");
    assertSameCancellation(c.cause(), c.err());
  }

  @Test
  void closeIsCancel() {
    CancellableContext c;
    try (CancellableContext opened = Context.background().withCancel()) {
      c = opened;
      assertThat(c.isDone()).isFalse();
    }
    assertThat(c.isDone()).isTrue();
    assertThat(c.err()).isInstanceOf(CancellationException.class);
  }

  @Test
  void cancelWithCauseRecordsIt() {
    CancellableContext c = Context.background().withCancel();
    IllegalStateException why = new IllegalStateException("upstream gone");

    c.cancel(why);

    assertThat(c.cause()).isSameAs(why);
    assertThat(c.err()).hasCause(why);
    assertThat(c.err().getMessage())
        .isEqualTo(
            "context background.withCancel was cancelled: java.lang.IllegalStateException:"
                + " upstream gone");
  }

  @Test
  void firstCancelWinsAndLaterOnesChangeNothing() {
    CancellableContext c = Context.background().withCancel();
    RuntimeException first = new RuntimeException("first");
    c.cancel(first);
    CancellationException err = c.err();

    c.cancel(new RuntimeException("second"));
    c.cancel();
    c.close();

    assertThat(c.cause()).isSameAs(first);
    assertSameCancellation(c.err(), err);
  }

  @Test
  void cancellationFlowsDownToEveryDescendant() {
    CancellableContext root = Context.background().withCancel();
    Context.Key<String> k = Context.Key.of("k");
    CancellableContext child = root.withCancel();
    Context valued = child.withValue(k, "v");
    CancellableContext grandchild = valued.withCancel();
    RuntimeException why = new RuntimeException("why");

    root.cancel(why);

    for (Context c : List.of(root, child, valued, grandchild)) {
      assertThat(c.isDone()).as("%s", c).isTrue();
      assertSameCancellation(c.err(), root.err());
      assertThat(c.cause()).as("%s", c).isSameAs(why);
    }
  }

  @Test
  void cancellationNeverFlowsUp() {
    CancellableContext parent = Context.background().withCancel();
    CancellableContext child = parent.withCancel();
    CancellableContext sibling = parent.withCancel();

    child.cancel();

    assertThat(child.isDone()).isTrue();
    assertThat(parent.isDone()).isFalse();
    assertThat(sibling.isDone()).isFalse();
  }

  @Test
  void childOfDoneParentIsBornDone() {
    CancellableContext parent = Context.background().withCancel();
    RuntimeException why = new RuntimeException("gone");
    parent.cancel(why);

    CancellableContext child = parent.withCancel();

    assertThat(child.isDone()).isTrue();
    assertSameCancellation(child.err(), parent.err());
    assertThat(child.cause()).isSameAs(why);
    assertThat(((CancelNode) parent).linkedCount()).isZero();
  }

  @Test
  void childCancelledByParentKeepsItsStateAfterItsOwnCancel() {
    CancellableContext parent = Context.background().withCancel();
    CancellableContext child = parent.withCancel();
    parent.cancel();
    CancellationException err = child.err();

    child.cancel(new RuntimeException("late"));

    assertSameCancellation(child.err(), err);
    assertSameCancellation(child.cause(), err);
  }

  @Test
  void cancelledChildrenUnregisterSoALongLivedParentDoesNotGrow() {
    CancellableContext parent = Context.background().withCancel();
    CancelNode node = (CancelNode) parent;
    Context.Key<Integer> k = Context.Key.of("n");

    for (int i = 0; i < 300_000; i++) {
      // Mix the kinds: a value node in between must not hide the parent.
      try (CancellableContext child = parent.withValue(k, i).withCancel()) {
        assertThat(node.linkedCount()).isEqualTo(1);
        child.throwIfDone();
      }
    }

    assertThat(node.linkedCount()).isZero();
    assertThat(parent.isDone()).isFalse();
  }

  @Test
  void unregisteringFromTheMiddleKeepsTheRestLinked() {
    CancellableContext parent = Context.background().withCancel();
    CancelNode node = (CancelNode) parent;
    List<CancellableContext> children = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      children.add(parent.withCancel());
    }
    // first, last, middle
    children.get(0).cancel();
    children.get(9).cancel();
    children.get(5).cancel();
    assertThat(node.linkedCount()).isEqualTo(7);

    parent.cancel();

    assertThat(children).allSatisfy(c -> assertThat(c.isDone()).isTrue());
    assertSameCancellation(children.get(3).err(), parent.err());
    assertThat(children.get(5).err().getMessage()).isNotEqualTo(parent.err().getMessage());
  }

  @Test
  void throwIfDoneThrowsAFreshExceptionWithTheCallersStack() {
    CancellableContext c = Context.background().withCancel();
    RuntimeException why = new RuntimeException("why");
    c.cancel(why);

    assertThatThrownBy(c::throwIfDone)
        .isExactlyInstanceOf(CancellationException.class)
        .isNotSameAs(c.err())
        .hasMessage(c.err().getMessage())
        .hasCause(why)
        .satisfies(e ->
            assertThat(e.getStackTrace())
                .anyMatch(f -> f.getClassName().equals(ContextCancelTest.class.getName())));
  }

  @Test
  void errCarriesNoStackTraceToKeepCancelCheap() {
    CancellableContext c = Context.background().withCancel();
    c.cancel();
    assertThat(c.err().getStackTrace()).isEmpty();
  }

  @Test
  void nullArgumentsAreRejectedByName() {
    CancellableContext c = Context.background().withCancel();
    assertThatThrownBy(() -> c.cancel(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("cause");
    assertThat(c.isDone()).as("a rejected cancel must not cancel").isFalse();
    assertThatThrownBy(() -> c.withTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout");
    assertThatThrownBy(() -> c.withDeadline(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("deadline");
    assertThatThrownBy(() -> c.await(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout");
    assertThatThrownBy(() -> c.afterDone(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("action");
    assertThatThrownBy(() -> c.onDone(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("action");
    assertThatThrownBy(() -> c.value(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> c.withValue(null, "x"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> c.withValue(Context.Key.of("k"), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
    assertThatThrownBy(() -> Context.Key.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
  }

  @Test
  void onDoneMakesAClauseWithoutRegisteringAnything() {
    CancellableContext c = Context.background().withCancel();
    SelectClause<String> clause = c.onDone(() -> "done");
    assertThat(clause).isNotNull();
    assertThat(clause.toString()).isEqualTo("onDone(background.withCancel[live])");
    assertThat(((CancelNode) c).linkedCount()).isZero();
  }
}
