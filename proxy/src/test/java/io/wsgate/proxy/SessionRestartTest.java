package io.wsgate.proxy;

import io.vertx.core.http.HttpClientOptions;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A signed-in tab keeps working when its gateway restarts: same Redis, same keys, a new gateway, same cookie. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionRestartTest {

  @TempDir
  Path tmp;

  @Test
  void sessionSurvivesAGatewayRestart() throws Exception {
    try (AuthFixture a = new AuthFixture(tmp)) {
      String session = a.login("tab", "alice");
      assertThat(a.f.http.get(a.f.host("tab"), "/echo", "cookie", session).await().status()).isEqualTo(200);
      a.f.gateway.stop(false).await(); // the gateway goes away; the tab keeps its cookie

      Gateway restarted = a.f.start(TestConfigs.of(tmp, AuthFixture.with()), a.f.provider);
      Http http = new Http(a.f.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), restarted.port());
      assertThat(http.get(a.f.host("tab"), "/echo", "cookie", session).await().status()).isEqualTo(200);
      assertThat(http.get(a.f.host("tab"), "/__wsgate/status", "cookie", session).await().status()).isEqualTo(200);
      assertThat(http.get(a.f.host("tab"), "/echo").await().status()).isEqualTo(401); // still needs the cookie
      restarted.stop(false).await();
    }
  }
}
