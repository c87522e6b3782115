package io.tether;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The layers of the core (docs/architecture.md), each depending only on itself and those below: a
 * class of a lower layer names a higher one's only through an interface or class it defines and the
 * higher one implements ({@link ContextOwner}, {@link Waits.DoneSource}, {@link Waits.Arm}, {@link
 * Registry.Listed}). Every class of {@code io.tether} must be placed in a layer here, so a new file
 * is placed on purpose.
 */
class LayersTest {

  /** Bottom to top. A class's nested classes are in its layer. */
  static final List<Set<String>> LAYERS =
      List.of(
          // 1 waiting: parking a thread, and the wait record the registry reads
          Set.of("Parker", "Waits"),
          // 2 context: cancellation, deadlines, values, the cancel tree
          Set.of(
              "Context",
              "CancellableContext",
              "AbstractContext",
              "Background",
              "CancelNode",
              "ValueNode",
              "DetachedNode",
              "DoneLink",
              "ContextErrors",
              "DeadlineExceededException",
              "ContextOwner",
              "Timers"),
          // 3 tasks: owners and their tasks, the live set, outcomes, failures
          Set.of(
              "Task",
              "Scope",
              "ScopeRole",
              "Fanout",
              "FailureLog",
              "SpawnLimit",
              "LiveCount",
              "LiveSet",
              "LiveTasks",
              "Outcomes",
              "Work",
              "VoidWork",
              "Mapper",
              "TaskFailedException",
              "StopReport",
              "SpawnSites",
              "AfterDone",
              "Registration",
              "Registry",
              "TaskInfo"),
          // 4 communication
          Set.of(
              "Channel",
              "ChannelClosedException",
              "ChanClause",
              "ChanLock",
              "ChanWaiter",
              "WaitQueue",
              "Ring",
              "Select",
              "SelectClause",
              "Clause",
              "DoneClause",
              "TimeoutClause",
              "WaitGroup",
              "Ticker"),
          // 5 components
          Set.of("Service", "ServiceLifecycle", "Supervisor", "SupervisorLoop"),
          // 6 seeing: the registry's views, traces, JFR, leak shapes
          Set.of(
              "Tasks",
              "Dumps",
              "DumpFormat",
              "Trace",
              "TraceJson",
              "TraceRecorder",
              "JfrEvents",
              "LeakShapes",
              "WaitProbe",
              "TaskEvents",
              "TaskListener"),
          // 7 process: the whole process's lifecycle, on top of everything
          Set.of("Shutdown"));

  /**
   * Outside the layers: the telemetry port every layer reports its events to (its sinks, the trace
   * recorder and the JFR events, are in the seeing layer).
   */
  static final Set<String> CROSS_CUTTING = Set.of("Hooks", "package-info");

  /**
   * The only upward dependencies allowed, each forced by the public contract (DESIGN.md): {@code
   * Context.onDone} returns a select clause and {@code Context.afterDone} a registration, whose
   * action runs as a task.
   */
  static final Map<String, Set<String>> API_BRIDGES =
      Map.of(
          "Context", Set.of("SelectClause", "Registration"),
          "AbstractContext", Set.of("SelectClause", "DoneClause", "Registration", "AfterDone"));

  static int layerOf(JavaClass c) {
    String top = c.getName().substring("io.tether.".length()).split("\\$", 2)[0];
    if (CROSS_CUTTING.contains(top)) {
      return 0;
    }
    for (int i = 0; i < LAYERS.size(); i++) {
      if (LAYERS.get(i).contains(top)) {
        return i + 1;
      }
    }
    return -1;
  }

  static String topName(JavaClass c) {
    return c.getName().substring("io.tether.".length()).split("\\$", 2)[0];
  }

  static boolean inCore(JavaClass c) {
    return c.getPackageName().equals("io.tether");
  }

  static final ArchCondition<JavaClass> ONLY_DOWNWARD =
      new ArchCondition<>("depend only on its own layer and those below") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
          int from = layerOf(c);
          if (from < 0) {
            events.add(
                SimpleConditionEvent.violated(
                    c, c.getName() + " is in no layer: place it in LayersTest.LAYERS"));
            return;
          }
          if (from == 0) {
            return;
          }
          for (Dependency d : c.getDirectDependenciesFromSelf()) {
            JavaClass target = d.getTargetClass();
            if (!inCore(target)) {
              continue;
            }
            int to = layerOf(target);
            if (to > from
                && !API_BRIDGES.getOrDefault(topName(c), Set.of()).contains(topName(target))) {
              events.add(
                  SimpleConditionEvent.violated(
                      d, "upward, layer " + from + " -> " + to + ": " + d.getDescription()));
            }
          }
        }
      };

  static JavaClasses core() {
    return new ClassFileImporter()
        .importUrl(Context.class.getProtectionDomain().getCodeSource().getLocation())
        .that(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "in io.tether", LayersTest::inCore));
  }

  @Test
  void noDependencyRunsUpward() {
    JavaClasses core = core();
    assertThat(core.contain(Scope.class)).as("imported the core's classes").isTrue();
    ArchRule rule =
        classes()
            .that()
            .resideInAPackage("io.tether")
            .should(ONLY_DOWNWARD)
            .because("a lower layer learns of a higher one only through an interface it owns");
    rule.check(core);
  }
}
