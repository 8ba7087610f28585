package io.wsgate.control;

import io.vertx.core.json.JsonObject;
import io.wsgate.proxy.Gateway;
import io.wsgate.proxy.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** At the running cap a launch gets 503 with a clear message, and the warm pool does not grow. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CapsTest extends FleetTest {

  @Test
  void globalCapRefusesTheNextLaunch() {
    Gateway g = f.start(f.config("WSGATE_MAX_RUNNING", "2"));
    Http http = f.http(g);
    assertThat(http.get("ws-one.localhost", "/echo").await().status()).isEqualTo(200);
    assertThat(http.get("ws-two.localhost", "/echo").await().status()).isEqualTo(200);
    Http.Response third = http.get("ws-three.localhost", "/echo").await();
    assertThat(third.status()).isEqualTo(503);
    assertThat(third.headers().get("retry-after")).isEqualTo("30");
    assertThat(new JsonObject(third.body()).getString("detail")).contains("All workspaces are in use");
    assertThat(f.provider.launches()).isEqualTo(2);
    assertThat(http.get("ws-one.localhost", "/echo").await().status()).as("running ones still serve").isEqualTo(200);
  }

  @Test
  void profileCapStopsThePoolAndLaunchesBeyondIt() throws Exception {
    Gateway g = f.start(f.config("WSGATE_PROFILE_DEMO_MAX_RUNNING", "3", "WSGATE_PROFILE_DEMO_POOL_SCHEDULE", "* 5",
        "WSGATE_PROFILE_DEMO_ASSIGN_PATH", "/wsgate/assign"));
    io.wsgate.testing.Eventually.await(f.vertx, java.time.Duration.ofSeconds(60), "three members ready",
        () -> g.control().tick().await().pool().profiles().get("demo").ready() == 3);
    WarmPool.ProfileState demo = g.control().tick().await().pool().profiles().get("demo");
    assertThat(demo.target()).isEqualTo(5);
    assertThat(demo.launched()).as("the pool does not grow past the cap").isZero();
    assertThat(demo.atCapacity()).isTrue();
    assertThat(f.provider.poolLaunches()).isEqualTo(3);
    Http http = f.http(g);
    for (String id : new String[] {"s1", "s2", "s3"}) {
      assertThat(http.get("ws-" + id + ".localhost", "/whoami").await().text()).isEqualTo(id);
      assertThat(f.workspace(g, id).get("source")).isEqualTo("warm");
    }
    Http.Response fourth = http.get("ws-s4.localhost", "/whoami").await();
    assertThat(fourth.status()).isEqualTo(503);
    assertThat(f.provider.launches()).as("no fresh launch beyond the cap").isZero();
    assertThat(f.provider.poolLaunches()).as("no replacement beyond the cap").isEqualTo(3);
  }
}
