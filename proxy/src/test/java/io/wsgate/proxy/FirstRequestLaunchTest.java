package io.wsgate.proxy;

import io.vertx.core.json.JsonObject;
import io.wsgate.config.GatewayConfig;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The first request for a stopped workspace launches it as a real process, and the browser gets it. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FirstRequestLaunchTest extends ProcessGatewayTest {


  @Test
  void browserWaitsThenGetsTheWorkspace() throws Exception {
    GatewayConfig config = TestConfigs.backendProcess(tmp, "--ready-after 4000");
    Gateway gw = env.start(config);
    Http http = env.http(gw);

    Http.Response waiting = http.get("ws-first.localhost", "/", "accept", "text/html").await();
    assertThat(waiting.status()).isEqualTo(200);
    assertThat(waiting.headers().get("cache-control")).isEqualTo("no-store");
    assertThat(waiting.text()).contains("Starting your workspace").contains("/__wsgate/status");

    // the waiting page's launch is in flight; join it as the page's poll would
    gw.launcher().ensureRunning(new WorkspaceId("first"), config.profile("test")).await(120, TimeUnit.SECONDS);
    JsonObject status = new JsonObject(http.get("ws-first.localhost", "/__wsgate/status").await().body());
    assertThat(status.getString("state")).isEqualTo("running");

    Http.Response page = http.get("ws-first.localhost", "/", "accept", "text/html").await();
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.text()).isEqualTo("hello from first\n");
    assertThat(env.starts("first")).isEqualTo(1);
    assertThat(gw.provider().list().await()).extracting(pw -> pw.workspaceId()).containsExactly("first");
  }

  @Test
  void apiRequestIsHeldUntilReady() throws Exception {
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, ""));
    Http.Response r = env.http(gw).get("ws-held.localhost", "/echo").await(120, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("uri")).isEqualTo("/echo");
    assertThat(env.starts("held")).isEqualTo(1);
  }

  @Test
  void requestHeldLongerThanHoldTimeoutGets503WithRetryAfter() throws Exception {
    // the process never answers its readiness path, so the launch outlasts the 500 ms hold
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "", "WSGATE_HOLD_TIMEOUT", "500ms",
        "WSGATE_PROFILE_TEST_READINESS_PATH", "/slow?ms=600000", "WSGATE_LAUNCH_TIMEOUT", "20s"));
    Http.Response r = env.http(gw).get("ws-slowstart.localhost", "/echo").await(60, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.headers().get("retry-after")).isNotNull();
    assertThat(new JsonObject(r.body()).getString("detail")).contains("still starting");
  }
}
