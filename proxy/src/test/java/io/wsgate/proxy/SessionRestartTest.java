package io.wsgate.proxy;

import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A signed-in tab keeps working when its gateway restarts: same Redis, same keys, a new gateway, same cookie. Its
 * WebSocket is closed with 1001 when the gateway stops and reconnects to the new one with the same cookie.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionRestartTest {

  @TempDir
  Path tmp;
  /** Held in a field: Vert.x closes a client (and its connections) once nothing references it. */
  WebSocketClient client;

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

  @Test
  void openWebSocketTabReconnectsAfterAGatewayRestart() throws Exception {
    try (AuthFixture a = new AuthFixture(tmp)) {
      String session = a.login("wstab", "alice");
      client = a.f.vertx.createWebSocketClient(new WebSocketClientOptions());
      WebSocket before = client.connect(tab(a.f.gateway.port(), session)).await();
      assertThat(echo(before, "before")).isEqualTo("before");
      Promise<Short> closed = Promise.promise();
      before.closeHandler(v -> closed.tryComplete(before.closeStatusCode()));

      a.f.gateway.stop(false).await(); // a rolling deploy: the tab's socket goes away, its cookie stays
      // 1001 "going away", the code a browser IDE takes as "reconnect", not as an error of its own
      assertThat(closed.future().await(60, TimeUnit.SECONDS)).isEqualTo((short) 1001);

      Gateway restarted = a.f.start(TestConfigs.of(tmp, AuthFixture.with()), a.f.provider);
      WebSocket after = client.connect(tab(restarted.port(), session)).await();
      assertThat(echo(after, "after")).isEqualTo("after");
      after.close().await();
      // without the cookie the restarted gateway refuses the same upgrade
      Throwable refused = catchThrowable(() -> client.connect(tab(restarted.port(), null)).await());
      assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
      assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(401);
      restarted.stop(false).await();
    }
  }

  private static WebSocketConnectOptions tab(int port, String session) {
    String host = "ws-wstab.localhost:" + port;
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")
        .setAllowOriginHeader(true).addHeader("host", host).addHeader("origin", "http://" + host);
    return session == null ? o : o.addHeader("cookie", session);
  }

  private static String echo(WebSocket ws, String text) throws Exception {
    Promise<String> echoed = Promise.promise();
    ws.textMessageHandler(echoed::tryComplete);
    ws.writeTextMessage(text);
    return echoed.future().await(60, TimeUnit.SECONDS);
  }
}
