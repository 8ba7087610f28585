package io.wsgate.provider.ecs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.config.GatewayConfig;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProvisionedWorkspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A launch goes through RunTask to a RUNNING task whose ENI address serves HTTP and WebSocket. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class EcsLaunchReachesRunningTest {

  private FakeEcs fake;
  private EcsProvider provider;
  // fields, not locals: Vert.x closes a client that becomes unreachable, even mid-handshake
  private HttpClient http;
  private WebSocketClient webSockets;

  @Test
  void launchReturnsTheTaskAddressAndItServes(Vertx vertx, VertxTestContext ctx) {
    http = vertx.createHttpClient();
    webSockets = vertx.createWebSocketClient();
    FakeEcs.start(vertx).compose(f -> {
      fake = f.taskDefinition(EcsTestSupport.FAMILY, EcsTestSupport.CONTAINER);
      GatewayConfig config = EcsTestSupport.config(fake);
      provider = EcsTestSupport.provider(vertx, config, EcsTestSupport.FAST);
      LaunchRequest request = EcsTestSupport.request(config, "alice");
      return provider.launch(request).map(w -> {
        ctx.verify(() -> {
          assertThat(w.workspaceId()).isEqualTo("alice");
          assertThat(w.profile()).isEqualTo("code");
          assertThat(w.launchId()).isEqualTo(request.launchId());
          assertThat(fake.requests("RunTask")).hasSize(1);
          assertThat(fake.task(w.ref())).isNotNull();
          assertThat(w.endpoint().host()).isEqualTo(fake.task(w.ref()).ip).isNotEqualTo("127.0.0.1");
          assertThat(w.endpoint().port()).isEqualTo(fake.containerPort());
          assertThat(w.terminated().isComplete()).isFalse();
        });
        return w;
      });
    }).compose(w -> httpGet(w).compose(body -> {
      ctx.verify(() -> assertThat(body).isEqualTo("workspace alice"));
      return webSocketEcho(w);
    }).map(echo -> {
      ctx.verify(() -> {
        assertThat(echo).isEqualTo("hello over ws");
        assertRunTaskRequest(fake.requests("RunTask").get(0));
      });
      return w;
    })).onComplete(ctx.succeedingThenComplete());
  }

  /** What the task is started with: private networking, the profile's capacity, tags, overrides. */
  private static void assertRunTaskRequest(JsonObject run) {
    assertThat(run.getString("cluster")).isEqualTo("wsgate");
    assertThat(run.getString("taskDefinition")).isEqualTo("wsgate-code");
    assertThat(run.getString("startedBy")).isEqualTo("wsgate-test");
    assertThat(run.getInteger("count")).isEqualTo(1);
    assertThat(run.getString("propagateTags")).isEqualTo("TASK_DEFINITION");
    assertThat(run.getJsonArray("capacityProviderStrategy").getJsonObject(0).getString("capacityProvider"))
        .isEqualTo("FARGATE_SPOT");
    JsonObject vpc = run.getJsonObject("networkConfiguration").getJsonObject("awsvpcConfiguration");
    assertThat(vpc.getString("assignPublicIp")).isEqualTo("DISABLED");
    assertThat(vpc.getJsonArray("subnets")).containsExactly("subnet-0abc", "subnet-0def");
    assertThat(vpc.getJsonArray("securityGroups")).containsExactly("sg-0123");
    JsonArray tags = run.getJsonArray("tags");
    assertThat(tags).contains(new JsonObject().put("key", "wsgate:workspace").put("value", "alice"),
        new JsonObject().put("key", "wsgate:profile").put("value", "code"),
        new JsonObject().put("key", "wsgate:pool").put("value", "false"));
    JsonObject override = run.getJsonObject("overrides").getJsonArray("containerOverrides").getJsonObject(0);
    assertThat(override.getString("name")).isEqualTo("workspace");
    assertThat(override.getJsonArray("environment")).contains(
        new JsonObject().put("name", "WSGATE_WORKSPACE_ID").put("value", "alice"),
        new JsonObject().put("name", "WSGATE_DATA_DIR").put("value", "/mnt/efs/workspaces/alice"));
  }

  private Future<String> httpGet(ProvisionedWorkspace w) {
    return http
        .request(HttpMethod.GET, w.endpoint().port(), w.endpoint().host(), "/")
        .compose(req -> req.send().compose(resp -> resp.body()))
        .map(b -> b.toString());
  }

  private Future<String> webSocketEcho(ProvisionedWorkspace w) {
    return webSockets.connect(w.endpoint().port(), w.endpoint().host(), "/")
        .compose((WebSocket ws) -> {
          Promise<String> echoed = Promise.promise();
          ws.textMessageHandler(echoed::tryComplete);
          ws.writeTextMessage("hello over ws");
          return echoed.future().eventually(() -> ws.close());
        });
  }

  @AfterEach
  void close(VertxTestContext ctx) {
    Future.join(provider == null ? Future.succeededFuture() : provider.close(),
        fake == null ? Future.succeededFuture() : fake.close()).onComplete(ctx.succeedingThenComplete());
  }
}
