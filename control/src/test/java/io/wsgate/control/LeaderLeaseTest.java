package io.wsgate.control;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.wsgate.store.FleetStore;
import io.wsgate.store.RedisStore;
import io.wsgate.testing.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One replica leads at a time; a replica that gives the lease up on shutdown never takes it back. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaderLeaseTest {

  static final Duration LEASE = Duration.ofSeconds(30);

  final Vertx vertx = Vertx.vertx();
  final RedisFixture redisServer = RedisFixture.start();
  final Redis redis = Redis.createClient(vertx, redisServer.url());
  final FleetStore fleet = new FleetStore(new RedisStore(redis, Duration.ofSeconds(2)));

  @AfterEach
  void stop() {
    vertx.close().await();
    redisServer.close();
  }

  private String holder() {
    Response r = redis.send(Request.cmd(Command.GET).arg("wsgate:leader")).await();
    return r == null ? null : r.toString();
  }

  @Test
  void secondReplicaWaitsWhileTheFirstLeads() {
    LeaderLease a = new LeaderLease(fleet, "a", LEASE);
    LeaderLease b = new LeaderLease(fleet, "b", LEASE);
    assertThat(a.tick().await()).isTrue();
    assertThat(b.tick().await()).isFalse();
    assertThat(a.tick().await()).as("renewed").isTrue();
    assertThat(holder()).isEqualTo(a.fence().orElseThrow());
    a.release().await();
    assertThat(b.tick().await()).as("takes over at once after a release").isTrue();
  }

  /**
   * Starts a tick and releases the lease in one event-loop task, as the control verticle's stop can: the tick's
   * Redis reply is handled on that event loop, so it cannot be handled before the release, however slow the test.
   */
  private Future<Boolean> tickThenRelease(LeaderLease lease) {
    Promise<Boolean> tick = Promise.promise();
    Promise<Void> release = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      lease.tick().onComplete(tick);
      lease.release().onComplete(release);
    });
    return Future.all(tick.future(), release.future()).map(all -> tick.future().result());
  }

  @Test
  void releaseDuringAnAcquireOnItsWayGivesTheLeaseBack() {
    LeaderLease a = new LeaderLease(fleet, "a", LEASE);
    assertThat(tickThenRelease(a).await()).isFalse();
    assertThat(a.isLeader()).isFalse();
    assertThat(holder()).as("nobody holds the lease").isNull();
    assertThat(new LeaderLease(fleet, "b", LEASE).tick().await()).isTrue();
  }

  @Test
  void releaseDuringARenewalIsForGood() {
    LeaderLease a = new LeaderLease(fleet, "a", LEASE);
    assertThat(a.tick().await()).isTrue();
    assertThat(tickThenRelease(a).await()).isFalse();
    assertThat(a.tick().await()).as("a released replica stays out").isFalse();
    assertThat(a.isLeader()).isFalse();
    assertThat(holder()).isNull();
  }
}
