package io.tether;

import java.time.Instant;

/** What {@code withValue} makes: one key bound to one value; otherwise its parent. */
final class ValueNode extends AbstractContext {
  final Context.Key<?> key;
  final Object value;

  ValueNode(AbstractContext parent, Context.Key<?> key, Object value) {
    super(parent, parent.source);
    this.key = key;
    this.value = value;
  }

  @Override
  Instant deadlineOrNull() {
    return parent.deadlineOrNull();
  }

  @Override
  void appendLabel(StringBuilder sb) {
    sb.append(".withValue(").append(key.name()).append(')');
  }
}
