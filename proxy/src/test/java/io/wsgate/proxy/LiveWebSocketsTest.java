package io.wsgate.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.wsgate.metrics.Meters;
import io.wsgate.metrics.Metrics;
import io.wsgate.testing.FixedEndpointProvider;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestBackend;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.Endpoint;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workspace whose port refuses new connections (its accept queue full, say) while the WebSockets it has open still
 * carry its messages is alive: the verdict keeps its route and its sockets. The same refusals with silent sockets
 * are a dead workspace: dropped after the window. The workspace sits behind a front door the test can close (new
 * connections refused, open ones kept), which is what a listening socket that stops accepting looks like.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveWebSocketsTest {

  @TempDir
  Path tmp;
  final Vertx vertx = Vertx.vertx();
  final RedisFixture redis = RedisFixture.start();
  TestBackend backend;
  FrontDoor door;
  Gateway gw;

  @BeforeEach
  void start() throws Exception {
    backend = new TestBackend("live", 0);
    vertx.deployVerticle(backend).await();
    door = new FrontDoor(backend.actualPort());
    gw = Gateway.start(vertx, TestConfigs.of(tmp, "WSGATE_UNHEALTHY_WINDOW", "2s",
            "WSGATE_UPSTREAM_CONNECT_TIMEOUT", "30s", "WSGATE_PROFILE_DEMO_READINESS_PATH", "/healthz"), redis.url(),
        new FixedEndpointProvider(new Endpoint("127.0.0.1", door.port())), new Meters(Metrics.newRegistry(), 0))
        .await();
  }

  @AfterEach
  void stop() throws IOException {
    try {
      gw.stop(false).await();
    } finally {
      door.close();
      vertx.close().await();
      redis.close();
    }
  }

  @Test
  void workspaceStillTalkingOverItsSocketsIsKept() throws Exception {
    BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
    WebSocket ws = socket(echoes);
    Route route = route();
    door.stopAccepting();

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
    door.stopAccepting();

    assertThat(gw.launcher().health().suspect(route, "test: connection refused").await()).as("dropped").isTrue();
    assertThat(gw.store().read(route.id()).await().flatMap(rec -> rec.route())).as("route in Redis").isEmpty();
    ws.close();
  }

  private WebSocket socket(BlockingQueue<String> echoes) throws Exception {
    // launched by a plain request first, so the WebSocket below is relayed to a running workspace
    assertThat(new Http(vertx.createHttpClient(), gw.port()).get("ws-live.localhost", "/echo")
        .await(60, TimeUnit.SECONDS).status()).isEqualTo(200);
    WebSocket ws = vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(gw.port()).setURI("/ws").addHeader("host", "ws-live.localhost:" + gw.port())
        .addHeader("origin", "http://ws-live.localhost:" + gw.port())).await(60, TimeUnit.SECONDS);
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

  /** A TCP port in front of the workspace that can stop accepting while the connections it holds carry on. */
  static final class FrontDoor implements AutoCloseable {
    private final ServerSocket server = new ServerSocket();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final int target;

    FrontDoor(int target) throws IOException {
      this.target = target;
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      daemon("front-door", this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    /** New connections are refused from now on; the open ones go on. */
    void stopAccepting() throws IOException {
      server.close();
    }

    private void accept() {
      while (!server.isClosed()) {
        Socket client;
        try {
          client = server.accept();
        } catch (IOException closed) {
          return; // stopAccepting
        }
        open.add(client);
        try {
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
          open.add(upstream);
          pipe(client, upstream);
          pipe(upstream, client);
        } catch (IOException e) {
          System.err.println("front door: cannot reach the workspace: " + e);
          closeQuietly(client);
        }
      }
    }

    /** Copies one direction; at its end, passes the half-close on, and closes both once both directions ended. */
    private static void pipe(Socket from, Socket to) {
      daemon("front-door-pipe", () -> {
        byte[] buf = new byte[16 * 1024];
        try {
          InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream();
          for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            out.flush();
          }
          to.shutdownOutput();
          if (from.isOutputShutdown()) {
            closeQuietly(from);
            closeQuietly(to);
          }
        } catch (IOException gone) {
          closeQuietly(from);
          closeQuietly(to);
        }
      });
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }

    private static void daemon(String name, Runnable body) {
      Thread t = new Thread(body, name);
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
      open.forEach(FrontDoor::closeQuietly);
    }
  }
}
