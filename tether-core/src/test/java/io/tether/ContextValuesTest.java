package io.tether;

import static io.tether.testing.Errors.assertSameCancellation;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Values, withoutCancel, and how contexts name themselves. */
class ContextValuesTest {
  private static final Context.Key<String> USER = Context.Key.of("user");
  private static final Context.Key<String> USER_TWIN = Context.Key.of("user");
  private static final Context.Key<Integer> ATTEMPT = Context.Key.of("attempt");

  @Test
  void valuesAreFoundThroughEveryKindOfNode() {
    Context c =
        Context.background()
            .withValue(USER, "ada")
            .withCancel()
            .withValue(ATTEMPT, 3)
            .withTimeout(Duration.ofHours(1))
            .withoutCancel();

    assertThat(c.value(USER)).isEqualTo("ada");
    assertThat(c.value(ATTEMPT)).isEqualTo(3);
    assertThat(Context.background().value(USER)).isNull();
  }

  @Test
  void keysAreIdentitiesNotNames() {
    Context c = Context.background().withValue(USER, "ada");
    assertThat(c.value(USER_TWIN)).isNull();
    assertThat(USER_TWIN).isNotEqualTo(USER);
    assertThat(USER.name()).isEqualTo(USER_TWIN.name()).isEqualTo("user");
    assertThat(USER).hasToString("Key(user)");
  }

  @Test
  void nearestBindingShadowsWithoutChangingTheParent() {
    Context outer = Context.background().withValue(USER, "ada");
    Context inner = outer.withValue(USER, "grace");
    assertThat(inner.value(USER)).isEqualTo("grace");
    assertThat(outer.value(USER)).isEqualTo("ada");
  }

  @Test
  void withValueIsDoneExactlyWhenItsParentIs() {
    CancellableContext parent = Context.background().withCancel();
    Context v = parent.withValue(USER, "ada");
    assertThat(v.isDone()).isFalse();
    parent.cancel();
    assertThat(v.isDone()).isTrue();
    assertSameCancellation(v.err(), parent.err());
  }

  @Test
  void withoutCancelKeepsValuesButIgnoresTheParentsCancelAndDeadline() {
    CancellableContext parent =
        Context.background().withValue(USER, "ada").withTimeout(Duration.ofHours(1));
    Context detached = parent.withoutCancel();
    CancellableContext below = detached.withCancel();

    parent.cancel();

    assertThat(detached.isDone()).isFalse();
    assertThat(detached.err()).isNull();
    assertThat(detached.deadline()).isEmpty();
    assertThat(detached.value(USER)).isEqualTo("ada");
    assertThat(below.isDone()).as("its own children only obey their own cancel").isFalse();
    below.cancel();
    assertThat(below.isDone()).isTrue();
  }

  @Test
  void toStringShowsLineageAndState() {
    Instant deadline = Instant.parse("2126-01-02T03:04:05Z");
    CancellableContext c = Context.background().withCancel();
    CancellableContext d = c.withValue(USER, "ada").withDeadline(deadline);

    assertThat(Context.background()).hasToString("background[live]");
    assertThat(d)
        .hasToString(
            "background.withCancel.withValue(user).withDeadline(2126-01-02T03:04:05Z)[live]");
    assertThat(d.withoutCancel())
        .hasToString(
            "background.withCancel.withValue(user).withDeadline(2126-01-02T03:04:05Z)"
                + ".withoutCancel[live]");

    c.cancel(new IllegalStateException("shutting down"));

    assertThat(c)
        .hasToString(
            "background.withCancel[done: cancelled: java.lang.IllegalStateException: shutting"
                + " down]");
    assertThat(d.toString())
        .endsWith("[done: cancelled: java.lang.IllegalStateException: shutting down]");
    CancellableContext expired = Context.background().withCancel().withDeadline(Instant.EPOCH);
    assertThat(expired)
        .hasToString(
            "background.withCancel.withDeadline(1970-01-01T00:00:00Z)[done: deadline exceeded]");
  }
}
