package io.wsgate.proxy;

import io.vertx.core.json.JsonObject;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A workspace that cannot start gives its reason, and is not relaunched in a tight loop. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LaunchFailureTest {

  @TempDir
  Path tmp;
  ProcessGateways env;

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void failureShowsReasonAndBacksOff() throws Exception {
    env = new ProcessGateways(tmp);
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
  void browserGetsWaitingPageThatReportsTheFailure() throws Exception {
    env = new ProcessGateways(tmp);
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "--exit 4"));
    Http http = env.http(gw);
    Http.Response page = http.get("ws-brokenpage.localhost", "/", "accept", "text/html").await();
    assertThat(page.text()).contains("Starting your workspace");
    // the next held request shares the same launch and sees its failure
    Http.Response api = http.get("ws-brokenpage.localhost", "/x").await(120, TimeUnit.SECONDS);
    assertThat(api.status()).isEqualTo(503);
    JsonObject status = new JsonObject(http.get("ws-brokenpage.localhost", "/__wsgate/status").await().body());
    assertThat(status.getString("state")).isEqualTo("failed");
    assertThat(status.getLong("retryAfter")).isPositive();
  }
}
