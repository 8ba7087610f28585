package io.wsgate.provider.ecs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.config.GatewayConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Starts a {@link FakeEcs} and a real {@link EcsProvider} against it; closes both after each test. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
abstract class EcsProviderTestBase {

  FakeEcs fake;
  GatewayConfig config;
  EcsProvider provider;

  /** The fake with the profile's task definition registered and a provider using {@code tuning}. */
  Future<EcsProvider> start(Vertx vertx, EcsTuning tuning, Duration launchTimeout, String cluster) {
    return FakeEcs.start(vertx).map(f -> {
      fake = f.taskDefinition(EcsTestSupport.FAMILY, EcsTestSupport.CONTAINER);
      config = EcsTestSupport.config(fake, launchTimeout, cluster);
      provider = EcsTestSupport.provider(vertx, config, tuning);
      return provider;
    });
  }

  Future<EcsProvider> start(Vertx vertx) {
    return start(vertx, EcsTestSupport.FAST, Duration.ofSeconds(60), EcsTestSupport.CLUSTER);
  }

  @AfterEach
  void closeFakeAndProvider(VertxTestContext ctx) {
    Future.join(provider == null ? Future.succeededFuture() : provider.close(),
        fake == null ? Future.succeededFuture() : fake.close()).onComplete(ctx.succeedingThenComplete());
  }
}
