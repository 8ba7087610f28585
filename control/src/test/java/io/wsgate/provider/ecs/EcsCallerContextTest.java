package io.wsgate.provider.ecs;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.provider.StopReason;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The provider keeps its state on a context of its own, yet a caller's continuations run on the caller's
 * context (a gateway verticle's event loop), never on the SDK's threads.
 */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsCallerContextTest extends EcsProviderTestBase {

  @Test
  void launchAndStopCompleteOnTheCallersContext(Vertx vertx, VertxTestContext ctx) {
    Context caller = vertx.getOrCreateContext();
    caller.runOnContext(v -> start(vertx)
        .compose(p -> p.launch(EcsTestSupport.request(config, "kim")))
        .compose(w -> {
          ctx.verify(() -> assertThat(Vertx.currentContext()).isSameAs(caller));
          return provider.stop(w.ref(), StopReason.SHUTDOWN);
        })
        .onComplete(ctx.succeeding(done -> ctx.verify(() -> {
          assertThat(Vertx.currentContext()).isSameAs(caller);
          ctx.completeNow();
        }))));
  }
}
