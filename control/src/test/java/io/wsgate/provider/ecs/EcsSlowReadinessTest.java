package io.wsgate.provider.ecs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.provider.ProvisionedWorkspace;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * launch() completes when the task RUNS and has an address, not when the workspace serves: a workspace that
 * is slow to become ready still answers 503 then, and the launcher's readiness probe covers the rest.
 */
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EcsSlowReadinessTest extends EcsProviderTestBase {

  @Test
  void launchCompletesBeforeTheWorkspaceServes(Vertx vertx, VertxTestContext ctx) {
    start(vertx).compose(p -> {
      fake.slowReadiness();
      return p.launch(EcsTestSupport.request(config, "judy"));
    }).compose(w -> status(vertx, w).compose(before -> {
      ctx.verify(() -> assertThat(before).isEqualTo(503));
      fake.task(w.ref()).markReady();
      return status(vertx, w);
    })).onComplete(ctx.succeeding(after -> ctx.verify(() -> {
      assertThat(after).isEqualTo(200);
      ctx.completeNow();
    })));
  }

  private static Future<Integer> status(Vertx vertx, ProvisionedWorkspace w) {
    return vertx.createHttpClient()
        .request(HttpMethod.GET, w.endpoint().port(), w.endpoint().host(), "/healthz")
        .compose(req -> req.send())
        .map(resp -> resp.statusCode());
  }
}
