package io.tether;

import java.time.Instant;

/** The root context: never done, no deadline, no values. One instance. */
final class Background extends AbstractContext {
  static final Background INSTANCE = new Background();

  private Background() {
    super(null, null);
  }

  @Override
  Instant deadlineOrNull() {
    return null;
  }

  @Override
  void appendLabel(StringBuilder sb) {
    sb.append("background");
  }
}
