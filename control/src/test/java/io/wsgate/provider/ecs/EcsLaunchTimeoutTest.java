package io.wsgate.provider.ecs;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.provider.ProviderException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A task stuck in PENDING past the launch timeout fails the launch and is stopped, so it never bills on. */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsLaunchTimeoutTest extends EcsProviderTestBase {

  @Test
  void stuckTaskIsStopped(Vertx vertx, VertxTestContext ctx) {
    start(vertx, EcsTestSupport.FAST, Duration.ofSeconds(2), EcsTestSupport.CLUSTER).compose(p -> {
      fake.holdPending();
      return p.launch(EcsTestSupport.request(config, "gina"));
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ProviderException.class);
      // the status is PENDING once a poll has seen the task; a starved machine may not have polled yet
      assertThat(err.getMessage()).matches("the workspace task did not start within 2s "
          + "\\(last status (PENDING|PROVISIONING)\\); it has been stopped");
      assertThat(fake.requests("StopTask")).singleElement().satisfies(stop -> {
        assertThat(stop.getString("cluster")).isEqualTo("wsgate");
        assertThat(stop.getString("reason")).isEqualTo("wsgate: launch_failed (not running after 2s)");
      });
      ctx.completeNow();
    })));
  }
}
