package io.wsgate.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.wsgate.testing.Eventually;
import io.wsgate.testing.FixedEndpointProvider;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.Endpoint;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workspace whose port refuses new connections (its accept queue full, say) while the WebSockets it has open still
 * carry its messages is alive: the verdict keeps its route and its sockets. The same refusals with silent sockets
 * are a dead workspace: dropped after the window. The workspace stops accepting (its listening socket closed, new
 * connections refused) while the connections it has open carry on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveWebSocketsTest {

  @TempDir
  Path tmp;
  final Vertx vertx = Vertx.vertx();
  final RedisFixture redis = RedisFixture.start();
  Workspace workspace;
  Gateway gw;

  @BeforeEach
  void start() throws Exception {
    workspace = new Workspace(vertx);
    gw = Gateway.start(vertx, TestConfigs.of(tmp, "WSGATE_UNHEALTHY_WINDOW", "2s",
            "WSGATE_UPSTREAM_CONNECT_TIMEOUT", "30s", "WSGATE_PROFILE_DEMO_READINESS_PATH", "/healthz"), redis.url(),
        Gateway.Dependencies.defaults().withProvider(new FixedEndpointProvider(new Endpoint("127.0.0.1",
            workspace.port())))).await();
  }

  @AfterEach
  void stop() {
    try {
      gw.stop(false).await();
    } finally {
      workspace.close();
      vertx.close().await();
      redis.close();
    }
  }

  @Test
  void workspaceStillTalkingOverItsSocketsIsKept() throws Exception {
    BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
    WebSocket ws = socket(echoes);
    Route route = route();
    workspace.stopAccepting(vertx);

    // a student typing: a message every 200 ms, each echoed by the workspace, through the verdict's window
    long typing = vertx.setPeriodic(200, t -> ws.writeTextMessage("typing"));
    boolean dropped;
    try {
      dropped = gw.launcher().health().suspect(route, "test: connection refused").await();
    } finally {
      vertx.cancelTimer(typing);
    }
    assertThat(dropped).as("dropped").isFalse();
    assertThat(gw.store().read(route.id()).await()).as("route still in Redis")
        .hasValueSatisfying(rec -> assertThat(rec.route()).hasValueSatisfying(r ->
            assertThat(r.launchId()).isEqualTo(route.launchId())));
    echoes.clear();
    ws.writeTextMessage("after").await();
    assertThat(echoes.poll(30, TimeUnit.SECONDS)).as("the socket carries on").isEqualTo("after");
    ws.close().await();
  }

  @Test
  void workspaceWhoseSocketsAreSilentIsDropped() throws Exception {
    WebSocket ws = socket(new LinkedBlockingQueue<>());
    Route route = route();
    workspace.stopAccepting(vertx);

    assertThat(gw.launcher().health().suspect(route, "test: connection refused").await()).as("dropped").isTrue();
    assertThat(gw.store().read(route.id()).await().flatMap(rec -> rec.route())).as("route in Redis").isEmpty();
    ws.close();
  }

  private WebSocket socket(BlockingQueue<String> echoes) throws Exception {
    // launched by a plain request first, so the WebSocket below is relayed to a running workspace
    assertThat(new Http(vertx.createHttpClient(), gw.port()).get("ws-live.localhost", "/echo")
        .await(60, TimeUnit.SECONDS).status()).isEqualTo(200);
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gw.port())
        .setURI("/ws").addHeader("host", "ws-live.localhost:" + gw.port())
        .addHeader("origin", "http://ws-live.localhost:" + gw.port());
    // Setup, not the behaviour under test: on a loaded machine an upgrade relayed right after the launch is now and
    // then reset during the handshake ("Connection closed while handshake in process"), cause not yet known; the
    // tab would reconnect, and so does this.
    WebSocket ws = null;
    for (int attempt = 1; ws == null; attempt++) {
      try {
        ws = vertx.createWebSocketClient().connect(options).await(60, TimeUnit.SECONDS);
      } catch (io.netty.handler.codec.http.websocketx.WebSocketHandshakeException reset) {
        if (attempt == 3) {
          throw reset;
        }
      }
    }
    ws.frameHandler(f -> {
      if (f.type() == WebSocketFrameType.TEXT) {
        echoes.add(f.textData());
      }
    });
    ws.writeTextMessage("hello").await();
    assertThat(echoes.poll(30, TimeUnit.SECONDS)).isEqualTo("hello");
    return ws;
  }

  private Route route() {
    return gw.store().read(new WorkspaceId("live")).await().flatMap(rec -> rec.route()).orElseThrow();
  }

  /**
   * A workspace whose listening socket can be closed while its open connections carry on: Vert.x's graceful
   * shutdown stops accepting at once and leaves the open WebSockets be (their shutdown handler keeps them open).
   */
  static final class Workspace {
    private final HttpServer server;

    Workspace(Vertx vertx) {
      server = vertx.createHttpServer().requestHandler(req -> {
        if (req.canUpgradeToWebSocket()) {
          req.toWebSocket().onSuccess(ws -> {
            ws.shutdownHandler(v -> { }); // stay open while the server stops accepting
            ws.textMessageHandler(ws::writeTextMessage);
          });
          return;
        }
        req.response().end("ok");
      });
      server.listen(0, "127.0.0.1").await();
    }

    int port() {
      return server.actualPort();
    }

    /** New connections are refused from the moment this returns; the open WebSockets go on. */
    void stopAccepting(Vertx vertx) {
      server.shutdown(10, TimeUnit.MINUTES); // completes only when the last connection closes
      Eventually.await(vertx, Duration.ofSeconds(30), "the workspace's port refuses connections", () -> {
        try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port())) {
          return false;
        } catch (java.io.IOException refused) {
          return true;
        }
      });
    }

    void close() {
      server.close();
    }
  }
}
