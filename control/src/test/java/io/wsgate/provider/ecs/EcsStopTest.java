package io.wsgate.provider.ecs;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.provider.StopReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** stop() sends StopTask with wsgate's reason; the workspace's terminated future then reports it. */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsStopTest extends EcsProviderTestBase {

  /** Running tasks are re-described often here, so the stop is noticed soon. */
  private static final EcsTuning WATCH_OFTEN = new EcsTuning(Duration.ofMillis(20), Duration.ofMillis(200),
      Duration.ofMillis(50), 4, Duration.ofMillis(10), Duration.ofMillis(50));

  @Test
  void stopSendsStopTaskWithTheReason(Vertx vertx, VertxTestContext ctx) {
    start(vertx, WATCH_OFTEN, Duration.ofSeconds(60), EcsTestSupport.CLUSTER)
        .compose(p -> p.launch(EcsTestSupport.request(config, "hank")))
        .compose(w -> provider.stop(w.ref(), StopReason.IDLE).compose(v -> {
          ctx.verify(() -> assertThat(fake.requests("StopTask")).singleElement().satisfies(stop -> {
            assertThat(stop.getString("task")).isEqualTo(w.ref());
            assertThat(stop.getString("cluster")).isEqualTo("wsgate");
            assertThat(stop.getString("reason")).isEqualTo("wsgate: idle");
          }));
          return w.terminated();
        }))
        .onComplete(ctx.succeeding(reason -> ctx.verify(() -> {
          assertThat(reason).isEqualTo("wsgate: idle");
          ctx.completeNow();
        })));
  }

  @Test
  void stoppingAGoneTaskSucceeds(Vertx vertx, VertxTestContext ctx) {
    start(vertx)
        .compose(p -> p.stop("arn:aws:ecs:eu-west-1:123456789012:task/wsgate/gone", StopReason.ORPHAN))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(fake.requests("StopTask")).singleElement()
              .satisfies(stop -> assertThat(stop.getString("reason")).isEqualTo("wsgate: orphan"));
          ctx.completeNow();
        })));
  }
}
