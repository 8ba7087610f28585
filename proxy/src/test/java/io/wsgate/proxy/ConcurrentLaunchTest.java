package io.wsgate.proxy;

import io.vertx.core.Future;
import io.wsgate.config.GatewayConfig;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Many first requests at once, on one gateway or on two sharing a Redis, start exactly one workspace. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ConcurrentLaunchTest extends ProcessGatewayTest {


  @Test
  void fiftyConcurrentFirstRequestsLaunchOnce() throws Exception {
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, ""));
    Http http = env.http(gw);
    List<Future<Http.Response>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(http.get("ws-crowd.localhost", "/echo?n=" + i));
    }
    Future.all(all).await(180, TimeUnit.SECONDS);
    assertThat(all).extracting(f -> f.result().status()).containsOnly(200);
    assertThat(env.starts("crowd")).isEqualTo(1);
    assertThat(gw.provider().list().await()).hasSize(1);
  }

  @Test
  void twoGatewaysSharingRedisLaunchOnce() throws Exception {
    GatewayConfig a = TestConfigs.backendProcess(tmp, "", "WSGATE_STATE_DIR", tmp.resolve("state-a").toString());
    GatewayConfig b = TestConfigs.backendProcess(tmp, "", "WSGATE_STATE_DIR", tmp.resolve("state-b").toString());
    Gateway gwA = env.start(a);
    Gateway gwB = env.start(b);
    Http httpA = env.http(gwA);
    Http httpB = env.http(gwB);
    List<Future<Http.Response>> all = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      all.add(httpA.get("ws-shared.localhost", "/echo?a=" + i));
      all.add(httpB.get("ws-shared.localhost", "/echo?b=" + i));
    }
    Future.all(all).await(180, TimeUnit.SECONDS);
    assertThat(all).extracting(f -> f.result().status()).containsOnly(200);
    assertThat(env.starts("shared")).isEqualTo(1);
    int running = gwA.provider().list().await().size() + gwB.provider().list().await().size();
    assertThat(running).isEqualTo(1);
  }
}
