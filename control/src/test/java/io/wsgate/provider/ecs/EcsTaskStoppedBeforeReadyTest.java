package io.wsgate.provider.ecs;

import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.provider.ProviderException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A task that stops on its own before RUNNING fails the launch with its stoppedReason. */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsTaskStoppedBeforeReadyTest extends EcsProviderTestBase {

  @Test
  void stoppedReasonReachesTheUser(Vertx vertx, VertxTestContext ctx) {
    start(vertx).compose(p -> {
      fake.stopNextTaskOnItsOwn("CannotPullContainerError: pull image manifest has been retried 5 time(s)");
      return p.launch(EcsTestSupport.request(config, "frank"));
    }).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ProviderException.class);
      assertThat(err.getMessage()).isEqualTo("the workspace task stopped before it was ready: "
          + "CannotPullContainerError: pull image manifest has been retried 5 time(s); "
          + "container 'workspace' exit code 1: exited");
      ctx.completeNow();
    })));
  }
}
