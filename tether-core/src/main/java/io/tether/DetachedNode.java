package io.tether;

import java.time.Instant;

/**
 * What {@code withoutCancel} makes: its parent's values, but never done and no deadline. Done-state
 * queries stop here (its source is null); value lookups go on through the parent.
 */
final class DetachedNode extends AbstractContext {
  DetachedNode(AbstractContext parent) {
    super(parent, null);
  }

  @Override
  Instant deadlineOrNull() {
    return null;
  }

  @Override
  void appendLabel(StringBuilder sb) {
    sb.append(".withoutCancel");
  }
}
