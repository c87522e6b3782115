package io.tether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Run in its own JVM with {@code -Dtether.spawnSite=full} (see tether-core/pom.xml): whole spawn
 * stacks, and the lines where scopes are opened and closed.
 */
class FullSpawnSiteTest {

  @Test
  void fullModeRecordsWholeStacksAndScopeSites() throws Exception {
    assertThat(SpawnSites.MODE).isEqualTo(SpawnSites.Mode.FULL);
    try (Scope scope = Scope.open(Context.background(), "full")) {
      Task<Void> t = scope.go("waiter", Context::await);
      ScopeTest.awaitWaiting(t, "ctx.await");
      TaskInfo task =
          Tasks.snapshot().stream().filter(i -> i.id() == t.id()).findFirst().orElseThrow();
      assertThat(task.spawnSite().getFileName()).isEqualTo("FullSpawnSiteTest.java");
      assertThat(task.spawnStack()).hasSizeGreaterThan(3);
      assertThat(task.spawnStack().get(0)).isEqualTo(task.spawnSite());
      TaskInfo scopeInfo =
          Tasks.snapshot().stream().filter(i -> i.path().equals("full")).findFirst().orElseThrow();
      assertThat(scopeInfo.spawnSite().getFileName()).isEqualTo("FullSpawnSiteTest.java");
      scope.cancel();
    }
  }

  @Test
  void spawnIntoAClosedScopeNamesTheLineWhereItWasClosed() {
    Scope scope = Scope.open(Context.background(), "ingest");
    scope.close();
    assertThatThrownBy(() -> scope.go(c -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scope 'ingest'")
        .hasMessageContaining("closed at io.tether.FullSpawnSiteTest")
        .hasMessageContaining("FullSpawnSiteTest.java");
  }
}
