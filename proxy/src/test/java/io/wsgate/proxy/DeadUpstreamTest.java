package io.wsgate.proxy;

import io.vertx.core.json.JsonObject;
import io.wsgate.testing.Eventually;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workspace that stops answering gives 502 with a clear page, and once its port has refused every probe over the
 * unhealthy window (or its process exits) the next request launches it afresh.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DeadUpstreamTest extends ProcessGatewayTest {


  @Test
  void refusedConnectionGives502ThenRelaunch() throws Exception {
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "", "WSGATE_UNHEALTHY_WINDOW", "2s"));
    Http http = env.http(gw);
    assertThat(http.get("ws-dies.localhost", "/echo").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);
    int oldPort = gw.provider().list().await().get(0).endpoint().port();

    // the process stays alive but stops listening
    assertThat(http.get("ws-dies.localhost", "/stop-listening").await().text()).isEqualTo("closing");
    Http.Response broken = http.get("ws-dies.localhost", "/echo").await(60, TimeUnit.SECONDS);
    assertThat(broken.status()).isEqualTo(502);
    // a new connection is refused; a pooled one may be reset instead: either way a clear 502 and a dropped route
    assertThat(new JsonObject(broken.body()).getString("detail"))
        .containsAnyOf("not accepting connections", "connection to your workspace broke off");

    // 502s until the window has passed with every probe refused; then the route is dropped and a fresh one starts
    Eventually.await(env.vertx, Duration.ofSeconds(120), "a fresh workspace answers",
        () -> http.get("ws-dies.localhost", "/echo").await().status() == 200);
    assertThat(env.starts("dies")).isEqualTo(2);
    var running = gw.provider().list().await();
    assertThat(running).hasSize(1);
    assertThat(running.get(0).endpoint().port()).isNotEqualTo(oldPort);
  }

  @Test
  void processThatExitsIsNoLongerRouted() throws Exception {
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, ""));
    Http http = env.http(gw);
    assertThat(http.get("ws-exits.localhost", "/echo").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);
    var pw = gw.provider().list().await().get(0);
    ProcessHandle.of(env.pid(pw.ref())).ifPresent(ProcessHandle::destroyForcibly);
    // whatever the timing, the user ends up on a fresh workspace: a reset on the pooled connection and refusals
    // answer 502 until the process's exit reaches the route (how soon depends on the machine's load), then the next
    // request relaunches it
    List<Integer> seen = new ArrayList<>();
    Eventually.await(env.vertx, Duration.ofSeconds(120), "a fresh workspace answers", () -> {
      seen.add(http.get("ws-exits.localhost", "/echo").await().status());
      return seen.get(seen.size() - 1) == 200;
    });
    // none at all when the exit reached the route before the first request
    assertThat(seen.subList(0, seen.size() - 1)).as("answers before the relaunch").allMatch(status -> status == 502);
    assertThat(env.starts("exits")).isEqualTo(2);
  }
}
