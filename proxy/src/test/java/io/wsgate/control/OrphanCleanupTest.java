package io.wsgate.control;

import io.vertx.core.Vertx;
import io.wsgate.config.GatewayConfig;
import io.wsgate.proxy.Gateway;
import io.wsgate.provider.Providers;
import io.wsgate.testing.MutableClock;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway killed in the middle of a launch leaves a workspace process that nothing in Redis will ever route
 * to; the leader's reconcile finds it and stops it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OrphanCleanupTest {

  @TempDir
  Path tmp;

  @Test
  void processOfAGatewayKilledMidLaunchIsStopped() throws Exception {
    try (RedisFixture redis = RedisFixture.start()) {
      MutableClock clock = new MutableClock(FleetFixture.MONDAY_10);
      // the workspace never becomes ready, so the launch is still under way when its gateway dies
      GatewayConfig config = TestConfigs.backendProcess(tmp, "--ready-after 600000", "WSGATE_CONTROL_INTERVAL", "1h",
          "WSGATE_RECONCILE_INTERVAL", "1ms", "WSGATE_LAUNCH_TIMEOUT", "60s", "WSGATE_LEADER_LEASE", "2s");
      Vertx doomed = Vertx.vertx();
      Gateway a = Gateway.start(doomed, config, redis.url(), Providers.create(doomed, config), clock).await();
      a.launcher().ensureRunning(new io.wsgate.workspace.WorkspaceId("halfway"), config.profile("test"));
      Vertx survivor = Vertx.vertx();
      try {
        Gateway b = Gateway.start(survivor, config, redis.url(), Providers.create(survivor, config), clock).await();
        io.wsgate.testing.Eventually.await(survivor, Duration.ofSeconds(60), "the process started",
            () -> !b.provider().list().await().isEmpty());
        doomed.close().await(); // the launching gateway is gone; its process is not

        io.wsgate.testing.Eventually.await(survivor, Duration.ofSeconds(60), "B leads",
            () -> b.control().tick().await().leader());
        // while the launch could still be alive, the process is left alone
        clock.advance(Duration.ofSeconds(1));
        assertThat(b.control().tick().await().reconciled().orphansStopped()).isZero();
        assertThat(b.provider().list().await()).hasSize(1);
        clock.advance(Duration.ofMinutes(5)); // past launch timeout + lock margin: that launch is dead
        Reconciler.Result first = b.control().tick().await().reconciled();
        assertThat(first.orphansStopped()).as("first sighting only marks it").isZero();
        assertThat(first.suspects()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        Reconciler.Result second = b.control().tick().await().reconciled();
        assertThat(second.orphansStopped()).isEqualTo(1);
        assertThat(b.provider().list().await()).isEmpty();
        b.stop(false).await();
      } finally {
        survivor.close().await();
      }
    }
  }
}
