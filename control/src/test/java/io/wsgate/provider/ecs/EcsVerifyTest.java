package io.wsgate.provider.ecs;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.provider.ProviderException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** verify() checks the cluster and every profile's task definition, with messages that name the fix. */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsVerifyTest extends EcsProviderTestBase {

  @Test
  void passesWhenClusterAndTaskDefinitionExist(Vertx vertx, VertxTestContext ctx) {
    start(vertx).compose(EcsProvider::verify).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void missingCluster(Vertx vertx, VertxTestContext ctx) {
    start(vertx, EcsTestSupport.FAST, Duration.ofSeconds(60), "nope").compose(EcsProvider::verify)
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(ProviderException.class)
              .hasMessage("ecs cluster 'nope' not found (WSGATE_ECS_CLUSTER)");
          ctx.completeNow();
        })));
  }

  @Test
  void inactiveCluster(Vertx vertx, VertxTestContext ctx) {
    start(vertx).compose(p -> {
      fake.cluster("wsgate", "INACTIVE");
      return p.verify();
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).hasMessage("ecs cluster 'wsgate' is INACTIVE");
      ctx.completeNow();
    })));
  }

  @Test
  void missingTaskDefinition(Vertx vertx, VertxTestContext ctx) {
    FakeEcs.start(vertx).compose(f -> {
      fake = f;
      config = EcsTestSupport.config(fake);
      provider = EcsTestSupport.provider(vertx, config, EcsTestSupport.FAST);
      return provider.verify();
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).hasMessage("task definition 'wsgate-code' of profile 'code' not found "
          + "(WSGATE_PROFILE_CODE_TASK_DEFINITION)");
      ctx.completeNow();
    })));
  }

  @Test
  void wrongContainerName(Vertx vertx, VertxTestContext ctx) {
    FakeEcs.start(vertx).compose(f -> {
      fake = f.taskDefinition(EcsTestSupport.FAMILY, "code-server");
      config = EcsTestSupport.config(fake);
      provider = EcsTestSupport.provider(vertx, config, EcsTestSupport.FAST);
      return provider.verify();
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).hasMessage("task definition 'wsgate-code' of profile 'code' has no container 'workspace' "
          + "(it has [code-server]; WSGATE_PROFILE_CODE_CONTAINER)");
      ctx.completeNow();
    })));
  }
}
