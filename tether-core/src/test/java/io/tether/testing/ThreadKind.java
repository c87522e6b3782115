package io.tether.testing;

/** The two kinds of thread every blocking test runs on. */
public enum ThreadKind {
  PLATFORM,
  VIRTUAL;

  /** Starts {@code body} on a new thread of this kind. */
  public Thread start(String name, Runnable body) {
    return switch (this) {
      case PLATFORM -> Thread.ofPlatform().name(name).daemon(true).start(body);
      case VIRTUAL -> Thread.ofVirtual().name(name).start(body);
    };
  }
}
