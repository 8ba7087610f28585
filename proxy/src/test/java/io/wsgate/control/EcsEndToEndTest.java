package io.wsgate.control;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.wsgate.config.GatewayConfig;
import io.wsgate.provider.ecs.EcsProvider;
import io.wsgate.provider.ecs.EcsTuning;
import io.wsgate.provider.ecs.FakeEcs;
import io.wsgate.proxy.Gateway;
import io.wsgate.proxy.Http;
import io.wsgate.testing.Eventually;
import io.wsgate.time.ManualClock;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's end-to-end behaviours with the ecs provider, through the real AWS SDK against the fake ECS
 * endpoint: first request launches a task, a warm task is claimed, an idle task is stopped, an orphan task is
 * reconciled away.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EcsEndToEndTest {

  static final EcsTuning FAST = new EcsTuning(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofHours(1), 4,
      Duration.ofMillis(10), Duration.ofMillis(50));

  @TempDir
  Path tmp;
  Vertx vertx;
  RedisFixture redis;
  FakeEcs ecs;
  Gateway gateway;
  Http http;
  final ManualClock clock = new ManualClock(FleetFixture.MONDAY_10);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    redis = RedisFixture.start();
    ecs = FakeEcs.start(vertx).await().taskDefinition("wsgate-code", "workspace");
  }

  private void gateway(String... extra) {
    String[] base = {"WSGATE_PROVIDER", "ecs", "WSGATE_ECS_CLUSTER", "wsgate", "WSGATE_ECS_SUBNETS", "subnet-0abc",
        "WSGATE_ECS_SECURITY_GROUPS", "sg-0123", "WSGATE_ECS_REGION", FakeEcs.REGION,
        "WSGATE_ECS_ENDPOINT", ecs.endpoint().toString(), "WSGATE_PROFILES", "code",
        "WSGATE_DEFAULT_PROFILE", "code", "WSGATE_PROFILE_CODE_TASK_DEFINITION", "wsgate-code",
        "WSGATE_PROFILE_CODE_PORT", Integer.toString(ecs.containerPort()), "WSGATE_PROFILE_CODE_READINESS_PATH", "/",
        "WSGATE_DATA_DIR", "/mnt/efs/workspaces", "WSGATE_CONTROL_INTERVAL", "1h",
        "WSGATE_ACTIVITY_FLUSH_INTERVAL", "1h", "WSGATE_RECONCILE_INTERVAL", "1ms"};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    GatewayConfig config = TestConfigs.of(tmp, all);
    EcsProvider provider = EcsProvider.create(vertx, config,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-secret")), FAST);
    gateway = Gateway.start(vertx, config, redis.url(), Gateway.Dependencies.defaults().withProvider(provider).withClock(clock)).await();
    http = new Http(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), gateway.port());
  }

  @AfterEach
  void stop() {
    try {
      if (gateway != null) {
        gateway.stop(false).await();
      }
      ecs.close().await();
    } finally {
      vertx.close().await();
      redis.close();
    }
  }

  @Test
  void firstRequestLaunchesATaskAndIdleStopsIt() throws Exception {
    gateway();
    Http.Response r = http.get("ws-alice.localhost", "/").await(120, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("workspace alice");
    assertThat(ecs.requests("RunTask")).hasSize(1);
    assertThat(ecs.requests("RunTask").get(0).getJsonObject("overrides").encode())
        .contains("\"WSGATE_WORKSPACE_ID\"").contains("/mnt/efs/workspaces/alice");

    gateway.activity().flush().await();
    clock.advance(Duration.ofMinutes(31));
    assertThat(gateway.control().tick().await().reaped().stopped()).isEqualTo(1);
    assertThat(ecs.requests("StopTask")).hasSize(1);
    assertThat(ecs.requests("StopTask").get(0).getString("reason")).isEqualTo("wsgate: idle");
    // an API call alone does not restart what the reaper stopped; the student's page load does
    assertThat(http.get("ws-alice.localhost", "/").await(120, TimeUnit.SECONDS).status()).isEqualTo(503);
    assertThat(ecs.requests("RunTask")).hasSize(1);
    Http.Response page = http.get("ws-alice.localhost", "/", "accept", "text/html").await(120, TimeUnit.SECONDS);
    assertThat(page.status()).isEqualTo(200); // the workspace, or the waiting page while the task starts
    Http.Response resumed = http.get("ws-alice.localhost", "/").await(120, TimeUnit.SECONDS);
    assertThat(resumed.text()).isEqualTo("workspace alice");
    assertThat(ecs.requests("RunTask")).hasSize(2);
  }

  @Test
  void warmTaskIsClaimedAndRetagged() throws Exception {
    gateway("WSGATE_PROFILE_CODE_POOL_SCHEDULE", "* 1", "WSGATE_PROFILE_CODE_ASSIGN_PATH", "/wsgate/assign");
    FleetControl.Tick tick = gateway.control().tick().await();
    tick.pool().settled().await(60, TimeUnit.SECONDS);
    assertThat(ecs.requests("RunTask")).hasSize(1);
    Http.Response r = http.get("ws-bob.localhost", "/").await(60, TimeUnit.SECONDS);
    assertThat(r.text()).isEqualTo("workspace bob");
    assertThat(ecs.requests("TagResource")).hasSize(1);
    assertThat(ecs.requests("TagResource").get(0).encode()).contains("\"bob\"");
    Eventually.await(vertx, Duration.ofSeconds(60), "a replacement task was started",
        () -> ecs.requests("RunTask").size() == 2);
  }

  @Test
  void aRunningTaskIsAdoptedNotStartedAgainWhenRedisComesBackEmpty() throws Exception {
    gateway();
    assertThat(http.get("ws-dave.localhost", "/").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);
    redis.server().stop();
    redis.server().restart(); // in memory: it comes back with nothing

    Eventually.await(vertx, Duration.ofSeconds(60), "ws-dave answers again",
        () -> "workspace dave".equals(http.get("ws-dave.localhost", "/").await().text()));

    // the route cache serves dave through the outage; its record is rebuilt from ECS once the subscription is back
    Eventually.await(vertx, Duration.ofSeconds(60), "dave's route rebuilt in Redis", () -> gateway.store()
        .read(new io.wsgate.workspace.WorkspaceId("dave")).map(rec -> rec.flatMap(r -> r.route()).isPresent())
        .otherwise(false).await());
    assertThat(ecs.requests("RunTask")).as("no second task for dave").hasSize(1);
  }

  @Test
  void reconcileStopsATaskNobodyKnows() throws Exception {
    gateway();
    assertThat(http.get("ws-carol.localhost", "/").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);
    gateway.store().send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL)
        .arg("wsgate:ws:carol")).await(); // Redis forgot the route, the task still runs
    gateway.store().send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.SREM)
        .arg("wsgate:running").arg("carol")).await();
    clock.advance(Duration.ofSeconds(1));
    assertThat(gateway.control().tick().await().reconciled().suspects()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(gateway.control().tick().await().reconciled().orphansStopped()).isEqualTo(1);
    assertThat(ecs.requests("StopTask").get(0).getString("reason")).isEqualTo("wsgate: orphan");
  }
}
