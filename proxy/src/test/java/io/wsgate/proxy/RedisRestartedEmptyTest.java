package io.wsgate.proxy;

import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.testing.Eventually;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis killed and restarted empty at the same address (a node replaced without persistence): the workspaces
 * that run keep running, once each. The gateway learns them back from the provider instead of launching them a
 * second time on the same data directory, and reconcile finds no orphan.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisRestartedEmptyTest extends ProcessGatewayTest {


  @Test
  void runningWorkspacesAreNeverLaunchedTwice() throws Exception {
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "", "WSGATE_RECONCILE_INTERVAL", "1ms"));
    Http http = env.http(gw);
    for (String id : List.of("a", "c")) {
      assertThat(http.get("ws-" + id + ".localhost", "/echo").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    env.redis.server().stop();
    env.redis.server().restart(); // in memory: it comes back with nothing

    // without a single request (open tabs only talk over their WebSockets), the routes are rebuilt from the
    // provider, so the reconciles below do not take the running workspaces for orphans
    Eventually.await(env.vertx, Duration.ofSeconds(60), "routes rebuilt from the provider", () -> List.of("a", "c")
        .stream().allMatch(id -> gw.store().read(new WorkspaceId(id))
            .map(rec -> rec.flatMap(r -> r.route()).isPresent()).otherwise(false).await()));
    gw.control().tick().await();
    gw.control().tick().await();
    assertThat(gw.provider().list().await()).as("reconcile stopped nothing").hasSize(2);

    for (String id : List.of("a", "c")) {
      Eventually.await(env.vertx, Duration.ofSeconds(60), "ws-" + id + " answers after the restart",
          () -> http.get("ws-" + id + ".localhost", "/echo").await().status() == 200);
      assertThat(gw.store().read(new WorkspaceId(id)).await()).as("route of %s back in Redis", id)
          .hasValueSatisfying(rec -> assertThat(rec.route()).isPresent());
    }
    assertThat(env.starts("a")).as("processes started for a").isEqualTo(1);
    assertThat(env.starts("c")).as("processes started for c").isEqualTo(1);

    gw.control().tick().await();
    gw.control().tick().await();
    List<ProvisionedWorkspace> running = gw.provider().list().await();
    assertThat(running).extracting(ProvisionedWorkspace::workspaceId).containsExactlyInAnyOrder("a", "c");
  }
}
