package io.wsgate.proxy;

import io.vertx.core.json.JsonObject;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A launch measures how long it may take on the monotonic clock, whatever the gateway's calendar clock says: with
 * the injected clock ten years before or after the real date, a workspace that answers is served, and one that
 * never answers fails once the launch timeout has passed (not at once, and not never).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClockSkewLaunchTest extends ProcessGatewayTest {

  private static final long TEN_YEARS_DAYS = 3653;


  @ParameterizedTest(name = "calendar clock {0} days from the real date")
  @ValueSource(longs = {-TEN_YEARS_DAYS, TEN_YEARS_DAYS})
  void coldLaunchIsServed(long skewDays) throws Exception {
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "--ready-after 500"), skewed(skewDays));

    Http.Response r = env.http(gw).get("ws-skewed.localhost", "/echo").await(120, TimeUnit.SECONDS);

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("uri")).isEqualTo("/echo");
    assertThat(env.starts("skewed")).isEqualTo(1);
  }

  @ParameterizedTest(name = "calendar clock {0} days from the real date")
  @ValueSource(longs = {-TEN_YEARS_DAYS, TEN_YEARS_DAYS})
  void workspaceThatNeverAnswersFailsAfterTheLaunchTimeout(long skewDays) throws Exception {
    Duration launchTimeout = Duration.ofSeconds(3);
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "--ready-after 600000",
        "WSGATE_LAUNCH_TIMEOUT", "3s", "WSGATE_HOLD_TIMEOUT", "30s"), skewed(skewDays));
    Http http = env.http(gw);

    long t0 = System.nanoTime();
    Http.Response r = http.get("ws-silent.localhost", "/x").await(120, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(r.status()).isEqualTo(503);
    JsonObject status = new JsonObject(http.get("ws-silent.localhost", "/__wsgate/status").await().body());
    assertThat(status.getString("state")).as(status.encode()).isEqualTo("failed");
    assertThat(status.getString("reason")).contains("did not answer on /healthz in time");
    assertThat(tookMs).as("the launch waited its whole timeout before it gave up")
        .isGreaterThanOrEqualTo(launchTimeout.toMillis());
    assertThat(gw.provider().list().await()).as("the failed launch is stopped").isEmpty();
  }

  private static Clock skewed(long days) {
    return Clock.offset(Clock.systemUTC(), Duration.ofDays(days));
  }
}
