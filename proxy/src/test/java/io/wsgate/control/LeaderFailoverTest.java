package io.wsgate.control;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.wsgate.proxy.Gateway;
import io.wsgate.testing.Eventually;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One replica leads; when it is gone another takes over, and the old leader's fencing token no longer acts. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeaderFailoverTest extends FleetTest {

  @Test
  void pausedLeaderIsFencedOff() throws Exception {
    Gateway[] ab = leaderFirst(f.start(f.config()), f.start(f.config("WSGATE_STATE_DIR", tmp.resolve("b").toString())));
    Gateway a = ab[0];
    Gateway b = ab[1];
    String oldFence = a.control().lease().fence().orElseThrow();

    assertThat(f.http(a).get("ws-victim.localhost", "/echo").await().status()).isEqualTo(200);
    Map<String, String> victim = f.workspace(a, "victim");

    // A pauses past its lease (as in a long GC pause or a network partition): the lease lapses, B takes over
    a.store().send(Request.cmd(Command.DEL).arg("wsgate:leader")).await();
    assertThat(b.control().tick().await().leader()).isTrue();
    assertThat(b.control().lease().fence().orElseThrow()).isNotEqualTo(oldFence);

    // A wakes up and acts on what it believed: every action is refused in Redis, nothing is stopped
    long reaped = a.store().reapRoute(new WorkspaceId("victim"), victim.get("launch"), oldFence, Long.MAX_VALUE,
        f.clock.millis())
        .await();
    assertThat(reaped).isEqualTo(-1);
    f.clock.advance(Duration.ofHours(2));
    Reaper.Result stale = new Reaper(a.config(), a.store(), new io.wsgate.store.ActivityStore(a.store()), a.provider(),
        io.wsgate.metrics.Meters.noop())
        .runOnce(f.clock.millis(), oldFence).await();
    assertThat(stale.fenced()).isTrue();
    assertThat(stale.stopped()).isZero();
    assertThat(f.workspace(a, "victim")).containsEntry("state", "running");
    assertThat(f.provider.running()).isEqualTo(1);

    // on its next tick A learns it lost the lease
    assertThat(a.control().tick().await().leader()).isFalse();
    assertThat(a.control().lease().isLeader()).isFalse();
  }

  @Test
  void deadLeaderIsReplacedWithinTheLease() throws Exception {
    Gateway[] ab = leaderFirst(f.start(f.config("WSGATE_LEADER_LEASE", "2s")),
        f.start(f.config("WSGATE_LEADER_LEASE", "2s", "WSGATE_STATE_DIR", tmp.resolve("b").toString())));
    Gateway a = ab[0];
    Gateway b = ab[1];
    // A stops renewing (its control ticks are an hour apart here, as if it had died without a word);
    // B takes over as soon as the 2 s lease lapses
    Eventually.await(f.vertx, Duration.ofSeconds(30), "B leads", () -> b.control().tick().await().leader());
    assertThat(a.control().tick().await().leader()).isFalse();
  }

  /**
   * The two gateways, leader first: each control verticle ticks once as it starts, so either may have taken the
   * lease before the test's first tick.
   */
  private static Gateway[] leaderFirst(Gateway one, Gateway two) {
    Gateway[] ab = one.control().tick().await().leader() ? new Gateway[] {one, two} : new Gateway[] {two, one};
    assertThat(ab[0].control().tick().await().leader()).isTrue();
    assertThat(ab[1].control().tick().await().leader()).isFalse();
    return ab;
  }
}
