package io.wsgate.control;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.wsgate.proxy.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Activity is coalesced in memory and written in one batch: Redis writes follow workspaces, not traffic. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ActivityFlushTest extends FleetTest {

  /** Held in a field: Vert.x closes a client (and its connections) once nothing references it. */
  WebSocketClient client;

  static WebSocket connect(FleetFixture f, Gateway g, String id, WebSocketClient client) {
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(g.port()).setURI("/ws")
        .addHeader("host", "ws-" + id + ".localhost:" + g.port())
        .addHeader("origin", "http://ws-" + id + ".localhost:" + g.port())).await();
  }

  @Test
  void tenThousandMessagesOnTenWorkspacesCostTwoRedisCommands() throws Exception {
    Gateway g = f.start(f.config());
    client = f.vertx.createWebSocketClient(new WebSocketClientOptions());
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sockets.add(connect(f, g, "act" + i, client));
    }
    // one echo each: the relay has joined both sides (and counted the open tab) once a message came back
    for (WebSocket ws : sockets) {
      io.vertx.core.Promise<Void> back = io.vertx.core.Promise.promise();
      ws.handler(b -> back.tryComplete());
      ws.writeTextMessage("hello");
      back.future().await();
    }
    g.activity().flush().await(); // the launches' own marks, the open tabs and the echoes
    // each launch gives its launch slots back after it finished, one ZREM after the other: wait for the last
    io.wsgate.testing.Eventually.await(f.vertx, java.time.Duration.ofSeconds(60), "launch slots released", () ->
        g.store().send(Request.cmd(Command.ZCARD).arg("wsgate:launching:all")).await().toLong() == 0);
    AtomicInteger echoed = new AtomicInteger();
    io.vertx.core.Promise<Void> allEchoed = io.vertx.core.Promise.promise();
    sockets.forEach(ws -> ws.handler(b -> {
      if (echoed.incrementAndGet() == 10_000) {
        allEchoed.complete();
      }
    }));
    Map<String, Long> before = f.commandCalls(g);
    f.clock.advance(java.time.Duration.ofMinutes(1));
    for (int m = 0; m < 1000; m++) {
      for (WebSocket ws : sockets) {
        ws.writeTextMessage("key " + (m % 10));
      }
    }
    allEchoed.future().await(120, TimeUnit.SECONDS);
    Map<String, Long> during = f.commandCalls(g);
    int written = g.activity().flush().await();
    Map<String, Long> after = f.commandCalls(g);

    assertThat(delta(before, during)).as("Redis commands while 10,000 messages crossed").isEmpty();
    assertThat(written).isEqualTo(10);
    assertThat(delta(during, after)).containsExactlyInAnyOrderEntriesOf(Map.of("zadd", 1L, "hset", 1L));
    for (int i = 0; i < 10; i++) {
      String id = "act" + i;
      double score = Double.parseDouble(g.store().send(Request.cmd(Command.ZSCORE).arg("wsgate:activity").arg(id))
          .await().toString());
      assertThat((long) score).isEqualTo(f.clock.millis());
      assertThat(g.store().send(Request.cmd(Command.HGET).arg("wsgate:activity:why").arg(id)).await().toString())
          .isEqualTo("ws message 5 B from client");
    }
    Future.all(sockets.stream().map(WebSocket::close).toList()).await();
  }

  @Test
  void pingsAndPongsAreNotActivity() throws Exception {
    Gateway g = f.start(f.config());
    client = f.vertx.createWebSocketClient(new WebSocketClientOptions());
    WebSocket ws = connect(f, g, "pinger", client);
    g.activity().flush().await();
    f.clock.advance(java.time.Duration.ofMinutes(5));
    io.vertx.core.Promise<Buffer> pong = io.vertx.core.Promise.promise();
    ws.pongHandler(pong::tryComplete);
    ws.writePing(Buffer.buffer("ping")).await();
    pong.future().await(60, TimeUnit.SECONDS);
    ws.writePong(Buffer.buffer("unsolicited")).await();
    ws.writePing(Buffer.buffer("again")).await();
    assertThat(g.activity().flush().await()).as("workspaces written after pings and pongs").isZero();
    ws.close().await();
  }

  static Map<String, Long> delta(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> out = new java.util.HashMap<>();
    b.forEach((k, v) -> {
      long d = v - a.getOrDefault(k, 0L);
      if (d != 0 && !k.equals("info")) {
        out.put(k, d);
      }
    });
    return out;
  }
}
