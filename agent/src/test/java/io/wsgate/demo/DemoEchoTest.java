package io.wsgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code /ws/echo} answers every message with the same type and payload, and the close code too. */
@ExtendWith(VertxExtension.class)
// 2 MiB through Netty's paranoid leak detector (surefire argLine) takes a few seconds
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class DemoEchoTest {

  @TempDir
  Path dir;

  // fields, not locals: Vert.x closes a client once it is garbage collected, even mid-handshake
  private WebSocketClient client;
  private WebSocketClient fragmenting;
  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(DemoVerticle.MAX_WEBSOCKET_BYTES)
        .setMaxMessageSize(DemoVerticle.MAX_WEBSOCKET_BYTES));
    DemoServers.start(vertx, "echo", dir).onComplete(ctx.succeeding(server -> {
      port = server.actualPort();
      ctx.completeNow();
    }));
  }

  @Test
  void textComesBackAsText(VertxTestContext ctx) {
    Checkpoint echoed = ctx.checkpoint(2);
    connect().onComplete(ctx.succeeding(ws -> {
      ws.binaryMessageHandler(b -> ctx.failNow("text echoed as binary"));
      ws.textMessageHandler(text -> ctx.verify(() -> {
        assertThat(text).isIn("hello", "wörld ✓");
        echoed.flag();
      }));
      ws.writeTextMessage("hello");
      ws.writeTextMessage("wörld ✓");
    }));
  }

  @Test
  void binaryComesBackAsBinary(VertxTestContext ctx) {
    Buffer payload = Buffer.buffer(new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xc3});
    connect().onComplete(ctx.succeeding(ws -> {
      ws.textMessageHandler(t -> ctx.failNow("binary echoed as text"));
      ws.binaryMessageHandler(echo -> ctx.verify(() -> {
        assertThat(echo).isEqualTo(payload);
        ctx.completeNow();
      }));
      ws.writeBinaryMessage(payload);
    }));
  }

  @Test
  void twoMebibyteMessageComesBackWhole(VertxTestContext ctx) {
    byte[] bytes = new byte[2 * 1024 * 1024];
    new Random(42).nextBytes(bytes);
    Buffer payload = Buffer.buffer(bytes);
    connect().onComplete(ctx.succeeding(ws -> {
      ws.binaryMessageHandler(echo -> ctx.verify(() -> {
        assertThat(echo.getBytes()).isEqualTo(bytes);
        ctx.completeNow();
      }));
      ws.writeBinaryMessage(payload);
    }));
  }

  @Test
  void twoMebibyteTextComesBackAsOneTextMessage(VertxTestContext ctx) {
    String text = "ü✓€𝄞 ".repeat(2 * 1024 * 1024 / 14);
    connect().onComplete(ctx.succeeding(ws -> {
      ws.binaryMessageHandler(b -> ctx.failNow("text echoed as binary"));
      ws.textMessageHandler(echo -> ctx.verify(() -> {
        assertThat(echo).isEqualTo(text);
        ctx.completeNow();
      }));
      ws.writeTextMessage(text);
    }));
  }

  @Test
  void textFragmentedInsideCharactersComesBackWhole(Vertx vertx, VertxTestContext ctx) {
    // 1001-byte frames cut through the 2-, 3- and 4-byte characters
    fragmenting = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1001));
    String text = "ü✓€𝄞".repeat(5_000);
    fragmenting.connect(port, DemoServers.HOST, "/ws/echo").onComplete(ctx.succeeding(ws -> {
      ws.textMessageHandler(echo -> ctx.verify(() -> {
        assertThat(echo).isEqualTo(text);
        ctx.completeNow();
      }));
      ws.writeTextMessage(text);
    }));
  }

  @Test
  void closeCodeIsAnsweredInKind(VertxTestContext ctx) {
    connect().onComplete(ctx.succeeding(ws -> {
      ws.closeHandler(v -> ctx.verify(() -> {
        assertThat(ws.closeStatusCode()).isEqualTo((short) 4001);
        ctx.completeNow();
      }));
      ws.close((short) 4001, "student left");
    }));
  }

  private Future<WebSocket> connect() {
    return client.connect(port, DemoServers.HOST, "/ws/echo");
  }
}
