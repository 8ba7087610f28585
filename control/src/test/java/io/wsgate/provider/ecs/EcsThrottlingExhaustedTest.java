package io.wsgate.provider.ecs;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.provider.ProviderException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Throttling that outlasts the bounded retries fails the launch with a message that says so. */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsThrottlingExhaustedTest extends EcsProviderTestBase {

  @Test
  void launchFailsAfterBoundedAttempts(Vertx vertx, VertxTestContext ctx) {
    start(vertx).compose(p -> {
      fake.throttle("RunTask", 1_000);
      return p.launch(EcsTestSupport.request(config, "erin"));
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ProviderException.class);
      assertThat(err.getMessage()).isEqualTo("AWS is throttling ECS RunTask requests (gave up after 4 attempts); "
          + "please try again in a minute");
      assertThat(fake.requests("RunTask")).hasSize(EcsTestSupport.FAST.throttleAttempts());
      ctx.completeNow();
    })));
  }
}
