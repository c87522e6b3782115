package io.tether;

import java.util.List;

/**
 * How a scope that carries a {@link Service} or a {@link Supervisor} shows in the registry: as that
 * component, with its state and history, instead of as a plain scope.
 */
interface ScopeRole {
  TaskInfo.Kind kind();

  String state();

  List<String> history();

  /**
   * Failures of the component nobody has seen yet, marked seen by this call: for {@link Shutdown},
   * which reports what a component left behind when nobody closed it.
   */
  default List<Throwable> takeUnseenFailures() {
    return List.of();
  }
}
