package io.wsgate.provider.ecs;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Throttled RunTask and DescribeTasks calls are retried with backoff and the launch succeeds. */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsThrottlingRetriedTest extends EcsProviderTestBase {

  @Test
  void launchSucceedsAfterThrottling(Vertx vertx, VertxTestContext ctx) {
    start(vertx).compose(p -> {
      fake.throttle("RunTask", 2).throttle("DescribeTasks", 2);
      return p.launch(EcsTestSupport.request(config, "dave"));
    }).onComplete(ctx.succeeding(w -> ctx.verify(() -> {
      assertThat(w.endpoint().host()).isEqualTo(fake.task(w.ref()).ip);
      // two throttled answers, then the one that started the task
      assertThat(fake.requests("RunTask")).hasSize(3);
      assertThat(fake.requests("RunTask").get(2).getString("clientToken")).isEqualTo(w.launchId());
      assertThat(fake.requests("DescribeTasks").size()).isGreaterThanOrEqualTo(3);
      ctx.completeNow();
    })));
  }
}
