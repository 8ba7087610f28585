package io.wsgate.proxy;

import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** An open, signed-in tab keeps working when its gateway restarts: same Redis, same keys, a new process. */
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
      String host = "ws-tab.localhost:" + restarted.port();
      WebSocket ws = a.f.vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(restarted.port()).setURI("/ws").addHeader("host", host).addHeader("origin", "http://" + host)
          .addHeader("cookie", session)).await();
      Promise<String> echo = Promise.promise();
      ws.textMessageHandler(echo::tryComplete);
      ws.writeTextMessage("still here");
      assertThat(echo.future().await(60, TimeUnit.SECONDS)).isEqualTo("still here");
      ws.close().await();
      restarted.stop(false).await();
    }
  }
}
