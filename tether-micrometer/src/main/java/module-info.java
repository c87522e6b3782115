/**
 * Tether's task metrics for Micrometer: {@link io.tether.micrometer.TetherMetrics}.
 *
 * <p>Only {@code io.tether.micrometer} is exported.
 */
module io.tether.micrometer {
  requires transitive io.tether;
  requires transitive micrometer.core;

  exports io.tether.micrometer;
}
