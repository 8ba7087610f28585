package io.wsgate.control;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.wsgate.proxy.Gateway;
import io.wsgate.proxy.Http;
import io.wsgate.proxy.ProcessGateways;
import io.wsgate.time.ManualClock;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An idle workspace (the real demo process) is stopped: its WebSockets close with 1001, its process ends,
 * and the next request resumes it with its data intact. Time passes on a test clock.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class IdleReaperTest {

  @TempDir
  Path tmp;
  ProcessGateways env;
  final ManualClock clock = new ManualClock(FleetFixture.MONDAY_10);
  /** Held in a field: Vert.x closes a client (and its connections) once nothing references it. */
  WebSocketClient webSockets;

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void idleWorkspaceIsStoppedAndResumesWithItsData() throws Exception {
    env = new ProcessGateways(tmp);
    Gateway g = env.start(TestConfigs.of(tmp, "WSGATE_CONTROL_INTERVAL", "1h", "WSGATE_ACTIVITY_FLUSH_INTERVAL", "1h",
        "WSGATE_PROFILE_DEMO_READINESS_PATH", "/healthz", "WSGATE_PROFILE_DEMO_IDLE_TIMEOUT", "30m"), clock);
    Http http = env.http(g);
    Http.Response saved = http.send(HttpMethod.PUT, "ws-sleepy.localhost", "/api/note", Buffer.buffer("my work"))
        .await(120, TimeUnit.SECONDS);
    assertThat(saved.status()).isEqualTo(200);

    webSockets = env.vertx.createWebSocketClient(new WebSocketClientOptions());
    WebSocket ws = webSockets.connect(echoSocket(g)).await();
    Promise<Void> closed = Promise.promise();
    ws.closeHandler(v -> closed.tryComplete());
    Promise<String> echo = Promise.promise();
    ws.textMessageHandler(echo::tryComplete);
    ws.writeTextMessage("typing");
    assertThat(echo.future().await(60, TimeUnit.SECONDS)).isEqualTo("typing");
    g.activity().flush().await();

    clock.advance(Duration.ofMinutes(29));
    assertThat(g.control().tick().await().reaped().stopped()).as("29 minutes idle").isZero();
    clock.advance(Duration.ofMinutes(2));
    FleetControl.Tick tick = g.control().tick().await();
    assertThat(tick.leader()).isTrue();
    assertThat(tick.reaped().stopped()).as("31 minutes idle").isEqualTo(1);

    closed.future().await(60, TimeUnit.SECONDS);
    assertThat(ws.closeStatusCode()).isEqualTo((short) 1001);
    assertThat(ws.closeReason()).isEqualTo("workspace stopped");
    assertThat(g.provider().list().await()).isEmpty();

    // the open tab reconnects on its own and polls in the background: that does not start the workspace again
    Throwable reconnect = catchThrowable(() -> webSockets.connect(echoSocket(g)).await(60, TimeUnit.SECONDS));
    assertThat(reconnect).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) reconnect).getStatus()).isEqualTo(503);
    Http.Response background = http.get("ws-sleepy.localhost", "/api/note").await(60, TimeUnit.SECONDS);
    assertThat(background.status()).isEqualTo(503);
    assertThat(background.text()).contains("Reload the page");
    assertThat(g.provider().list().await()).as("nothing launched by the tab itself").isEmpty();

    // the student reloads the page: the workspace starts again, with its data
    Http.Response page = http.get("ws-sleepy.localhost", "/", "accept", "text/html").await(120, TimeUnit.SECONDS);
    assertThat(page.status()).isEqualTo(200);
    Http.Response resumed = http.get("ws-sleepy.localhost", "/api/note").await(120, TimeUnit.SECONDS);
    assertThat(resumed.status()).isEqualTo(200);
    assertThat(resumed.text()).isEqualTo("my work");
    assertThat(g.provider().list().await()).hasSize(1);
    WebSocket again = webSockets.connect(echoSocket(g)).await(60, TimeUnit.SECONDS);
    again.close().await();
  }

  private static WebSocketConnectOptions echoSocket(Gateway g) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(g.port()).setURI("/ws/echo")
        .addHeader("host", "ws-sleepy.localhost:" + g.port())
        .addHeader("origin", "http://ws-sleepy.localhost:" + g.port());
  }

  @Test
  void workspaceWithoutActivityRecordGetsAFreshIdlePeriod() throws Exception {
    env = new ProcessGateways(tmp);
    Gateway g = env.start(TestConfigs.backendProcess(tmp, "", "WSGATE_CONTROL_INTERVAL", "1h",
        "WSGATE_ACTIVITY_FLUSH_INTERVAL", "1h"), clock);
    assertThat(env.http(g).get("ws-amnesic.localhost", "/echo").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);
    g.store().send(Request.cmd(Command.DEL).arg("wsgate:activity")).await(); // Redis lost its activity record

    clock.advance(Duration.ofHours(3));
    Reaper.Result first = g.control().tick().await().reaped();
    assertThat(first.stopped()).isZero();
    assertThat(first.unknownRestarted()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(29));
    assertThat(g.control().tick().await().reaped().stopped()).isZero();
    clock.advance(Duration.ofMinutes(2));
    assertThat(g.control().tick().await().reaped().stopped()).isEqualTo(1);
  }
}
