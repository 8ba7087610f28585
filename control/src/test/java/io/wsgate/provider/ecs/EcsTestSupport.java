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
    Profile code = codeProfile(fake);
    GatewayConfig.Ecs ecs = new GatewayConfig.Ecs(cluster, List.of("subnet-0abc", "subnet-0def"),
        List.of("sg-0123"), Optional.of(FakeEcs.REGION), Optional.of(fake.endpoint()), "wsgate-test");
    return new GatewayConfig("127.0.0.1", 0, "localhost", "http://localhost:8080", Optional.empty(),
        GatewayConfig.ProviderKind.ECS, Map.of("code", code), "code", launchTimeout, Duration.ofSeconds(30),
        Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30),
        Duration.ofSeconds(2), Path.of(".wsgate"), Path.of("/mnt/efs/workspaces"), Duration.ofSeconds(10), 1,
        new GatewayConfig.FleetControl(0, java.time.ZoneOffset.UTC, Duration.ofSeconds(10), Duration.ofSeconds(5),
            Duration.ofSeconds(60), 4, Duration.ofSeconds(1)), ecs);
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
