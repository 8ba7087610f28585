package io.wsgate.provider.ecs;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.provider.ProviderException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** RunTask answering {@code failures[]} (capacity, ENI limits) fails the launch with ECS's reason. */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsRunTaskFailuresTest extends EcsProviderTestBase {

  @Test
  void capacityShortageReachesTheUser(Vertx vertx, VertxTestContext ctx) {
    start(vertx).compose(p -> {
      fake.failNextRunTask("Capacity is unavailable at this time. Please try again later or in a different "
          + "availability zone", "FARGATE_SPOT");
      return p.launch(EcsTestSupport.request(config, "bob"));
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ProviderException.class);
      assertThat(err.getMessage()).startsWith("ECS could not start a 'code' workspace: Capacity is unavailable "
          + "at this time").contains("(FARGATE_SPOT)");
      ctx.completeNow();
    })));
  }

  @Test
  void eniLimitReachesTheUser(Vertx vertx, VertxTestContext ctx) {
    start(vertx).compose(p -> {
      fake.failNextRunTask("RESOURCE:ENI", "no more network interfaces in subnet-0abc");
      return p.launch(EcsTestSupport.request(config, "carol"));
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err.getMessage())
          .isEqualTo("ECS could not start a 'code' workspace: RESOURCE:ENI (no more network interfaces in "
              + "subnet-0abc) [arn:aws:ecs:eu-west-1:123456789012:container-instance/x]");
      assertThat(fake.requests("DescribeTasks")).as("nothing to wait for").isEmpty();
      ctx.completeNow();
    })));
  }
}
