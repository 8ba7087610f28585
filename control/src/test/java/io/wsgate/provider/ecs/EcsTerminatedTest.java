package io.wsgate.provider.ecs;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A running task that ECS stops (Spot interruption, failed health check) completes terminated with why. */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsTerminatedTest extends EcsProviderTestBase {

  private static final EcsTuning WATCH_OFTEN = new EcsTuning(Duration.ofMillis(20), Duration.ofMillis(200),
      Duration.ofMillis(50), 4, Duration.ofMillis(10), Duration.ofMillis(50));

  @Test
  void terminatedCompletesWithStoppedReason(Vertx vertx, VertxTestContext ctx) {
    start(vertx, WATCH_OFTEN, Duration.ofSeconds(60), EcsTestSupport.CLUSTER)
        .compose(p -> p.launch(EcsTestSupport.request(config, "ivan")))
        .compose(w -> {
          fake.stopTaskOnItsOwn(w.ref(), "Your Spot Task was interrupted.");
          return w.terminated();
        })
        .onComplete(ctx.succeeding(reason -> ctx.verify(() -> {
          assertThat(reason).isEqualTo("Your Spot Task was interrupted.");
          ctx.completeNow();
        })));
  }
}
