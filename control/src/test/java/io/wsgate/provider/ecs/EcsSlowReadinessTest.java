package io.wsgate.provider.ecs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
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

  // a field, not a local: Vert.x closes a client that becomes unreachable, even mid-request
  private HttpClient http;

  @Test
  void launchCompletesBeforeTheWorkspaceServes(Vertx vertx, VertxTestContext ctx) {
    http = vertx.createHttpClient();
    start(vertx).compose(p -> {
      fake.slowReadiness();
      return p.launch(EcsTestSupport.request(config, "judy"));
    }).compose(w -> status(w).compose(before -> {
      ctx.verify(() -> assertThat(before).isEqualTo(503));
      fake.task(w.ref()).markReady();
      return status(w);
    })).onComplete(ctx.succeeding(after -> ctx.verify(() -> {
      assertThat(after).isEqualTo(200);
      ctx.completeNow();
    })));
  }

  private Future<Integer> status(ProvisionedWorkspace w) {
    return http
        .request(HttpMethod.GET, w.endpoint().port(), w.endpoint().host(), "/healthz")
        .compose(req -> req.send())
        .map(resp -> resp.statusCode());
  }
}
