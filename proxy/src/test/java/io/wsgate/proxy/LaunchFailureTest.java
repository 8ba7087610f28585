package io.wsgate.proxy;

import io.vertx.core.json.JsonObject;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A workspace that cannot start gives its reason, and is not relaunched in a tight loop. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LaunchFailureTest extends ProcessGatewayTest {


  @Test
  void failureShowsReasonAndBacksOff() throws Exception {
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "--exit 3", "WSGATE_LAUNCH_RETRY_BACKOFF", "10m"));
    Http http = env.http(gw);

    Http.Response first = http.get("ws-broken.localhost", "/api").await(120, TimeUnit.SECONDS);
    assertThat(first.status()).isEqualTo(503);
    JsonObject problem = new JsonObject(first.body());
    assertThat(problem.getString("title")).isEqualTo("Your workspace could not be started");
    assertThat(problem.getString("detail")).contains("exited").contains("configured to exit with 3");
    assertThat(Long.parseLong(first.headers().get("retry-after"))).isBetween(1L, 600L);

    for (int i = 0; i < 5; i++) {
      Http.Response again = http.get("ws-broken.localhost", "/api").await(60, TimeUnit.SECONDS);
      assertThat(again.status()).isEqualTo(503);
      assertThat(new JsonObject(again.body()).getString("detail")).contains("configured to exit with 3");
    }
    JsonObject status = new JsonObject(http.get("ws-broken.localhost", "/__wsgate/status").await().body());
    assertThat(status.getString("state")).isEqualTo("failed");
    assertThat(status.getString("reason")).contains("configured to exit with 3");
    assertThat(env.starts("broken")).isEqualTo(1);
  }

  @Test
  void browserGetsTheReasonWhenTheLaunchFailsQuickly() throws Exception {
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "--exit 4"));
    Http.Response page = env.http(gw).get("ws-brokenpage.localhost", "/", "accept", "text/html")
        .await(120, TimeUnit.SECONDS);
    if (page.status() == 200) {
      // a slow machine: the launch outlasted the navigation wait; the held request sees the failure
      assertThat(page.text()).contains("Starting your workspace");
      page = env.http(gw).get("ws-brokenpage.localhost", "/", "accept", "text/html").await(120, TimeUnit.SECONDS);
    }
    assertThat(page.status()).isEqualTo(503);
    assertThat(page.headers().get("content-type")).startsWith("text/html");
    assertThat(page.text()).contains("could not be started").contains("configured to exit with 4");
  }

  @Test
  void waitingPageStatusReportsATimedOutLaunch() throws Exception {
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "--ready-after 600000", "WSGATE_LAUNCH_TIMEOUT", "3s"));
    Http http = env.http(gw);
    Http.Response page = http.get("ws-neverready.localhost", "/", "accept", "text/html").await();
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.text()).contains("Starting your workspace");
    // join the launch the page started; it fails once the launch timeout passes
    Http.Response api = http.get("ws-neverready.localhost", "/x").await(120, TimeUnit.SECONDS);
    assertThat(api.status()).isEqualTo(503);
    JsonObject status = new JsonObject(http.get("ws-neverready.localhost", "/__wsgate/status").await().body());
    assertThat(status.getString("state")).isEqualTo("failed");
    assertThat(status.getString("reason")).contains("did not");
    assertThat(status.getLong("retryAfter")).isPositive();
    assertThat(gw.provider().list().await()).isEmpty();
  }
}
