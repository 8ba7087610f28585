package io.wsgate.provider.ecs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.workspace.WorkspaceId;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** Wiring shared by the ecs provider tests: config pointing at a {@link FakeEcs}, fast timing. */
final class EcsTestSupport {

  static final String CLUSTER = "wsgate";
  static final String FAMILY = "wsgate-code";
  static final String CONTAINER = "workspace";

  /** Short polls so tests finish quickly; generous attempt counts so a slow machine never flakes. */
  static final EcsTuning FAST = new EcsTuning(Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofHours(1),
      4, Duration.ofMillis(10), Duration.ofMillis(50));

  private EcsTestSupport() {
  }

  static Profile codeProfile(FakeEcs fake) {
    return new Profile("code", "", fake.containerPort(), "/healthz", Profile.Fleet.DEFAULT,
        new Profile.EcsProfile(FAMILY, CONTAINER, "FARGATE_SPOT"));
  }

  static GatewayConfig config(FakeEcs fake, Duration launchTimeout, String cluster) {
    // through the loader, as in production, so the test config is always a valid one
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "WSGATE_PROVIDER", "ecs", "WSGATE_ECS_CLUSTER", cluster, "WSGATE_ECS_SUBNETS", "subnet-0abc,subnet-0def",
        "WSGATE_ECS_SECURITY_GROUPS", "sg-0123", "WSGATE_ECS_REGION", FakeEcs.REGION,
        "WSGATE_ECS_ENDPOINT", fake.endpoint().toString(), "WSGATE_ECS_STARTED_BY", "wsgate-test",
        "WSGATE_PROFILES", "code", "WSGATE_DEFAULT_PROFILE", "code", "WSGATE_LISTEN_HOST", "127.0.0.1"));
    env.putAll(Map.of("WSGATE_PROFILE_CODE_TASK_DEFINITION", FAMILY, "WSGATE_PROFILE_CODE_CONTAINER", CONTAINER,
        "WSGATE_PROFILE_CODE_CAPACITY_PROVIDER", "FARGATE_SPOT",
        "WSGATE_PROFILE_CODE_PORT", Integer.toString(fake.containerPort()),
        "WSGATE_PROFILE_CODE_READINESS_PATH", "/healthz", "WSGATE_DATA_DIR", "/mnt/efs/workspaces",
        "WSGATE_LAUNCH_TIMEOUT", launchTimeout.toMillis() + "ms", "WSGATE_PORT", "0", "WSGATE_AUTH", "off"));
    return io.wsgate.config.ConfigLoader.load(env);
  }


  static GatewayConfig config(FakeEcs fake) {
    return config(fake, Duration.ofSeconds(60), CLUSTER);
  }

  static EcsProvider provider(Vertx vertx, GatewayConfig config, EcsTuning tuning) {
    return EcsProvider.create(vertx, config,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test-secret")), tuning);
  }

  static LaunchRequest request(GatewayConfig config, String id) {
    return new LaunchRequest(new WorkspaceId(id), config.profile("code"), UUID.randomUUID().toString());
  }

  /**
   * Completes once {@code condition} holds, checking on a Vert.x timer; fails after {@code within}. The
   * bound is generous: it only stops a broken test from hanging, it asserts nothing about speed.
   */
  static Future<Void> eventually(Vertx vertx, Duration within, String what, BooleanSupplier condition) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + within.toNanos();
    check(vertx, deadline, what, condition, done);
    return done.future();
  }

  private static void check(Vertx vertx, long deadline, String what, BooleanSupplier condition, Promise<Void> done) {
    if (condition.getAsBoolean()) {
      done.complete();
    } else if (System.nanoTime() - deadline > 0) {
      done.fail(new AssertionError("not within the deadline: " + what));
    } else {
      vertx.setTimer(10, id -> check(vertx, deadline, what, condition, done));
    }
  }
}
