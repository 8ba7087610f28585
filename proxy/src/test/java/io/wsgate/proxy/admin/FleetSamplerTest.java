package io.wsgate.proxy.admin;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Command;
import io.wsgate.metrics.Meters;
import io.wsgate.metrics.Metrics;
import io.wsgate.metrics.PoolStats;
import io.wsgate.store.FleetViews;
import io.wsgate.store.RedisStore;
import io.wsgate.testing.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A sample counts workspaces by state and advances cost counters by the elapsed time, on the leader only. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetSamplerTest {

  final Vertx vertx = Vertx.vertx();
  final RedisFixture redisServer = RedisFixture.start();
  final Redis redis = Redis.createClient(vertx, redisServer.url());
  final Meters meters = new Meters(Metrics.newRegistry(), 0.05);
  final FleetSampler sampler = new FleetSampler(new FleetViews(new RedisStore(redis, Duration.ofSeconds(2))), meters,
      List.of("demo"));

  @AfterEach
  void stop() {
    vertx.close().await();
    redisServer.close();
  }

  private void workspace(String id, String state) {
    redis.send(Request.cmd(Command.HSET).arg("wsgate:ws:" + id).arg("state").arg(state).arg("profile").arg("demo"))
        .await();
  }

  private double seconds(String kind) {
    return meters.registry().get(Meters.WORKSPACE_SECONDS).tags("profile", "demo", "kind", kind).counter().count();
  }

  @Test
  void countsAndCost() {
    workspace("a", "running");
    workspace("b", "running");
    workspace("c", "starting");
    meters.poolStats(profile -> new PoolStats.Counts(3, 2, 0, 1));

    FleetSampler.Sample first = sampler.runOnce(0).await();
    assertThat(first.count("demo", "running")).isEqualTo(2);
    assertThat(first.costAdvanced()).isFalse();
    assertThat(meters.registry().get(Meters.WORKSPACES).tags("profile", "demo", "state", "running").gauge().value())
        .isEqualTo(2);

    sampler.runOnce(10_000).await();
    assertThat(seconds("assigned")).isEqualTo(20.0);
    assertThat(seconds("warm")).isEqualTo(20.0);
    assertThat(seconds("starting")).isEqualTo(20.0); // one launch + one pool member, 10 s each

    meters.leaderStatus(() -> false);
    assertThat(sampler.runOnce(10_000).await().costAdvanced()).isFalse();
    assertThat(seconds("assigned")).isEqualTo(20.0);
  }
}
