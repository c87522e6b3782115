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
}
