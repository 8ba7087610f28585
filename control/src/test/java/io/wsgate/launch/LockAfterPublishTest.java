package io.wsgate.launch;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.redis.client.Redis;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.store.RedisStore;
import io.wsgate.store.RouteEvents;
import io.wsgate.testing.InProcessProvider;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas, each with a provider of its own, share one Redis. Replica B read "no route" for a workspace, then
 * replica A launched it, published its route and let go of the launch lock, and only then B's lock succeeded: B
 * must answer with A's route and start nothing (before, B started a second copy).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LockAfterPublishTest {

  @TempDir
  Path tmp;

  final Vertx vertx = Vertx.vertx();
  final RedisFixture redis = RedisFixture.start();

  @AfterEach
  void stop() {
    vertx.close().await();
    redis.close();
  }

  private Launcher replica(GatewayConfig config, InProcessProvider provider) {
    Redis client = Redis.createClient(vertx, redis.url());
    return new Launcher(vertx, config, new RedisStore(client, Duration.ofSeconds(15)), provider,
        vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), new RouteEvents(vertx, client),
        Clock.systemUTC());
  }

  @Test
  void aLockTakenAfterAnotherReplicaPublishedLaunchesNothing() {
    GatewayConfig config = TestConfigs.of(tmp, "WSGATE_PROFILE_DEMO_READINESS_PATH", "/healthz");
    Profile profile = config.profiles().get(config.defaultProfile());
    InProcessProvider providerA = new InProcessProvider(vertx);
    InProcessProvider providerB = new InProcessProvider(vertx);
    Launcher a = replica(config, providerA);
    Launcher b = replica(config, providerB);
    WorkspaceId id = new WorkspaceId("shared");

    Route published = a.ensureRunning(id, profile).await();
    RedisStore storeB = new RedisStore(Redis.createClient(vertx, redis.url()), Duration.ofSeconds(15));
    String token = b.replica() + ":late";
    assertThat(storeB.tryLock(id, token, Duration.ofMinutes(1)).await()).as("A let go of the lock").isTrue();

    Route answered = b.launchLocked(id, profile, token, 0).await();

    assertThat(answered.endpoint()).isEqualTo(published.endpoint());
    assertThat(providerA.launches()).isEqualTo(1);
    assertThat(providerB.launches()).as("copies B started").isZero();
    assertThat(storeB.tryLock(id, "someone-else", Duration.ofMinutes(1)).await()).as("B gave the lock back").isTrue();
  }
}
