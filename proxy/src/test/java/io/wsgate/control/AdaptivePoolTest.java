package io.wsgate.control;

import io.wsgate.proxy.Gateway;
import io.wsgate.proxy.Http;
import io.wsgate.store.FleetStore;
import io.wsgate.store.LaunchHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code POOL_POLICY=adaptive} the live control loop sizes the pool from the launches the launcher recorded in
 * Redis: the same hour a week later, the target is the base-stock size for that hour's launches.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AdaptivePoolTest extends FleetTest {

  static final double RISK = 0.05;

  @Test
  void aWeekAfterSixLaunchesThePoolIsSizedForThem() throws Exception {
    Gateway g = f.start(f.config("WSGATE_PROFILE_DEMO_POOL_SCHEDULE", "* 0", "WSGATE_PROFILE_DEMO_ASSIGN_PATH",
        "/wsgate/assign", "WSGATE_PROFILE_DEMO_POOL_POLICY", "adaptive", "WSGATE_PROFILE_DEMO_POOL_MAX", "20",
        "WSGATE_PROFILE_DEMO_POOL_RISK", Double.toString(RISK)));
    assertThat(g.control().tick().await().pool().profiles().get("demo").target()).as("no history: the floor")
        .isZero();

    Http http = f.http(g);
    for (int i = 0; i < 6; i++) {
      assertThat(http.get("ws-student" + i + ".localhost", "/whoami").await().status()).isEqualTo(200);
    }
    long start = f.clock.millis();
    LaunchHistory.Snapshot recorded = new FleetStore(g.store()).history().read("demo", start).await();
    assertThat(recorded.launches()).as("the launcher recorded every launch").hasSize(6);
    assertThat(recorded.coldStartsMs()).as("and the cold starts' times on the injected clock").hasSize(6)
        .containsOnly(0L);
    WarmPool.ProfileState now = g.control().tick().await().pool().profiles().get("demo");
    assertThat(now.target()).as("six launches in the last half hour: 6 x 1 s / 30 min = 0.0033 launches per lead "
        + "time, and P(Poisson(0.0033) >= 1) = 0.0033 <= 0.05: one member").isEqualTo(1);

    f.clock.set(java.time.Instant.ofEpochMilli(start + Duration.ofDays(7).toMillis()));
    WarmPool.ProfileState aWeekLater = g.control().tick().await().pool().profiles().get("demo");
    WarmPool.Decision d = g.control().pool().decision("demo").orElseThrow();
    assertThat(d.leadMs()).as("cold starts took no calendar time: the shortest lead time").isEqualTo(1_000);
    assertThat(d.forecast()).as("the six launches of this second a week ago").isEqualTo(6.0);
    int expected = smallestPoolFoundEmptyAtMostWithRisk(6.0, RISK);
    assertThat(expected).isEqualTo(11);
    assertThat(aWeekLater.target()).isEqualTo(expected);
    assertThat(aWeekLater.ready() + aWeekLater.starting()).as("the pool grows to it (the one member kept so far "
        + "and the new ones)").isEqualTo(expected);
    assertThat(aWeekLater.launched()).isEqualTo(expected - now.ready() - now.starting());
    assertThat(g.control().pool().counts("demo").forecast()).as("the forecast gauge and status page read it")
        .isEqualTo(6.0);
  }

  /** The base-stock rule, computed here term by term: smallest S with P(Poisson(mean) >= S) <= risk. */
  static int smallestPoolFoundEmptyAtMostWithRisk(double mean, double risk) {
    for (int s = 0; ; s++) {
      double below = 0;
      double term = Math.exp(-mean);
      for (int k = 0; k < s; k++) {
        below += term;
        term *= mean / (k + 1);
      }
      if (1 - below <= risk) {
        return s;
      }
    }
  }
}
