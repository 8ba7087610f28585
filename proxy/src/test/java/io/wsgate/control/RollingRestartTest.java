package io.wsgate.control;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.wsgate.proxy.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A replica stopped for a rolling deploy loses nothing: it hands the control lease over at once, refuses new
 * upgrades, and closes its 200 WebSockets with 1001 spread over the drain window; every tab reconnects to the other
 * replica with the same request and echoes there, and no workspace is launched or stopped on the way.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RollingRestartTest extends FleetTest {

  private static final int WORKSPACES = 10;
  private static final int SOCKETS = 200;
  private static final long DRAIN_MS = 2_000;

  record Closed(int socket, short code, long atNanos) {
  }

  @Test
  void drainedSocketsReconnectToTheOtherReplica() throws Exception {
    String[] drain = {"WSGATE_DRAIN_WINDOW", DRAIN_MS + "ms"};
    Gateway a = f.start(f.config(drain));
    Gateway b = f.start(f.config("WSGATE_DRAIN_WINDOW", DRAIN_MS + "ms", "WSGATE_STATE_DIR", tmp.resolve("b").toString()));
    if (!a.control().tick().await().leader()) { // each control verticle ticks once as it starts; make A the leader
      Gateway t = a;
      a = b;
      b = t;
    }
    assertThat(a.control().tick().await().leader()).isTrue();
    WebSocketClient client = f.vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(SOCKETS * 2));
    List<Closed> closes = Collections.synchronizedList(new ArrayList<>());
    List<Future<WebSocket>> opening = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      opening.add(connect(client, a, i % WORKSPACES));
    }
    Future.all(opening).await();
    int launched = f.provider.launches();
    Promise<Void> firstClose = Promise.promise();
    Gateway stopping = a;
    for (int i = 0; i < SOCKETS; i++) {
      int n = i;
      WebSocket ws = opening.get(i).result();
      ws.closeHandler(v -> {
        closes.add(new Closed(n, ws.closeStatusCode() == null ? -1 : ws.closeStatusCode(), System.nanoTime()));
        firstClose.tryComplete();
      });
    }

    long stopAt = System.nanoTime();
    Future<Void> stopped = f.stop(stopping);
    firstClose.future().await();
    assertThat(b.control().tick().await().leader()).as("the other replica leads while the first drains").isTrue();
    Throwable refused = catchThrowable(() -> connect(client, stopping, 0).await());
    assertThat(refused).as("a new upgrade on the draining replica").isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(503);
    stopped.await();

    assertThat(closes).hasSize(SOCKETS).extracting(Closed::code).containsOnly((short) 1001);
    List<Long> offsetsMs = closes.stream().map(c -> TimeUnit.NANOSECONDS.toMillis(c.atNanos() - stopAt)).sorted()
        .toList();
    System.out.printf("close times after SIGTERM (ms): first %d, p25 %d, p50 %d, p75 %d, last %d%n",
        offsetsMs.get(0), offsetsMs.get(SOCKETS / 4), offsetsMs.get(SOCKETS / 2), offsetsMs.get(SOCKETS * 3 / 4),
        offsetsMs.get(SOCKETS - 1));
    assertThat(offsetsMs.get(SOCKETS - 1) - offsetsMs.get(0)).as("closes spread over the window")
        .isGreaterThanOrEqualTo(DRAIN_MS * 3 / 4);

    List<Future<WebSocket>> again = new ArrayList<>();
    for (int i = 0; i < SOCKETS; i++) {
      again.add(connect(client, b, i % WORKSPACES));
    }
    Future.all(again).await();
    for (int i = 0; i < SOCKETS; i++) {
      assertThat(echo(again.get(i).result(), "after " + i)).isEqualTo("after " + i);
    }
    assertThat(f.provider.launches()).as("no workspace launched").isEqualTo(launched);
    assertThat(f.provider.running()).as("no workspace stopped").isEqualTo(WORKSPACES);
  }

  private Future<WebSocket> connect(WebSocketClient client, Gateway g, int workspace) {
    String host = "ws-roll" + workspace + ".localhost:" + g.port();
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(g.port()).setURI("/ws")
        .setTimeout(60_000).addHeader("host", host).addHeader("origin", "http://" + host));
  }

  private static String echo(WebSocket ws, String text) {
    Promise<String> got = Promise.promise();
    ws.frameHandler(fr -> {
      if (fr.type() == WebSocketFrameType.TEXT) {
        got.tryComplete(fr.textData());
      }
    });
    ws.writeTextMessage(text);
    return got.future().await();
  }
}
