package io.wsgate.control;

import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wsgate.proxy.Gateway;
import io.wsgate.proxy.Http;
import io.wsgate.store.ActivityStore;
import io.wsgate.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code CLOSED_GRACE}, a workspace whose tabs have all closed is stopped after the grace, while an open tab
 * that merely sits idle, and a workspace that never opened a WebSocket, keep the full idle timeout. The open tabs
 * reach the reaper through the activity flush (real Redis, injected clock).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClosedTabGraceTest extends FleetTest {

  /** Held in a field: Vert.x closes a client (and its connections) once nothing references it. */
  WebSocketClient webSockets;

  @Test
  void closedTabsStopAfterTheGraceOpenTabsAfterTheIdleTimeout() throws Exception {
    Gateway g = f.start(f.config("WSGATE_PROFILE_DEMO_IDLE_TIMEOUT", "30m", "WSGATE_PROFILE_DEMO_CLOSED_GRACE", "5m"));
    Http http = f.http(g);
    assertThat(http.get("ws-plain.localhost", "/whoami").await().status()).isEqualTo(200);
    webSockets = f.vertx.createWebSocketClient();
    WebSocket closer = open(g, "closer");
    open(g, "keeper");
    closer.close().await();
    ActivityStore activity = new ActivityStore(g.store());
    Eventually.await(f.vertx, Duration.ofSeconds(60), "the closed tab counted", () -> {
      g.activity().flush().await();
      return activity.tabs(List.of("closer", "keeper", "plain")).await()
          .equals(java.util.Map.of("closer", Optional.of(0), "keeper", Optional.of(1), "plain", Optional.empty()));
    });

    f.clock.advance(Duration.ofMinutes(4));
    assertThat(g.control().tick().await().reaped().stopped()).as("4 minutes: within the grace").isZero();
    f.clock.advance(Duration.ofMinutes(2));
    assertThat(g.control().tick().await().reaped().stopped()).as("6 minutes: the closed tab's workspace")
        .isEqualTo(1);
    assertThat(f.workspace(g, "closer")).as("closer stopped").doesNotContainEntry("state", "running");
    assertThat(f.workspace(g, "keeper")).containsEntry("state", "running");
    assertThat(f.workspace(g, "plain")).containsEntry("state", "running");
    assertThat(activity.tabs(List.of("closer")).await()).as("its tab count is forgotten")
        .containsEntry("closer", Optional.empty());

    f.clock.advance(Duration.ofMinutes(25));
    assertThat(g.control().tick().await().reaped().stopped()).as("31 minutes: the open tab and the plain workspace")
        .isEqualTo(2);
  }

  private WebSocket open(Gateway g, String id) throws Exception {
    WebSocket ws = webSockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(g.port())
        .setURI("/socket").addHeader("host", "ws-" + id + ".localhost:" + g.port())
        .addHeader("origin", "http://ws-" + id + ".localhost:" + g.port())).await(60, TimeUnit.SECONDS);
    Promise<String> echo = Promise.promise();
    ws.textMessageHandler(echo::tryComplete);
    ws.writeTextMessage("typing");
    assertThat(echo.future().await(60, TimeUnit.SECONDS)).isEqualTo("typing");
    return ws;
  }
}
