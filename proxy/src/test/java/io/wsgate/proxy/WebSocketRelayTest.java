package io.wsgate.proxy;

import io.netty.util.ResourceLeakDetector;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** WebSocket messages cross the gateway exactly: text, binary, fragments, large messages, ping/pong and close codes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebSocketRelayTest {

  @TempDir
  static Path tmp;
  static GatewayFixture f;
  static WebSocketClient client;

  private static ResourceLeakDetector.Level leakLevel;

  @BeforeAll
  static void start() {
    // PARANOID records a stack trace at every access of a tracked buffer: masking one 8 MiB frame writes it 8 bytes
    // at a time, a million traces, which took an event loop 30 s on a loaded 2-core machine and failed the test.
    // SIMPLE still reports every leaked buffer, without the access records.
    leakLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    f = new GatewayFixture(tmp);
    client = f.vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(16 * 1024 * 1024)
        .setMaxMessageSize(16 * 1024 * 1024));
  }

  @AfterAll
  static void stop() {
    ResourceLeakDetector.setLevel(leakLevel);
    f.close();
  }

  /** A connected socket that records every frame it receives but the gateway's keepalive pings (every 30 s). */
  record Session(WebSocket ws, BlockingQueue<WebSocketFrame> frames, Promise<Void> closed) {
    WebSocketFrame next() throws InterruptedException {
      WebSocketFrame frame = frames.poll(60, TimeUnit.SECONDS);
      assertThat(frame).as("a frame within 60 s").isNotNull();
      return frame;
    }
  }

  private Session connect(String id) {
    WebSocketConnectOptions o = new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(f.gateway.port()).setURI("/ws")
        .addHeader("host", "ws-" + id + ".localhost:" + f.gateway.port())
        .addHeader("origin", "http://ws-" + id + ".localhost:" + f.gateway.port()); // same-origin, as a browser sends
    BlockingQueue<WebSocketFrame> frames = new LinkedBlockingQueue<>();
    Promise<Void> closed = Promise.promise();
    WebSocket ws = client.connect(o).await();
    ws.frameHandler(frame -> {
      if (frame.type() != WebSocketFrameType.PING) {
        frames.add(frame);
      }
    });
    ws.closeHandler(v -> closed.tryComplete());
    return new Session(ws, frames, closed);
  }

  @Test
  void textAndBinaryKeepTheirType() throws Exception {
    Session s = connect("types");
    s.ws().writeTextMessage("héllo");
    WebSocketFrame text = s.next();
    assertThat(text.type()).isEqualTo(WebSocketFrameType.TEXT);
    assertThat(text.textData()).isEqualTo("héllo");
    s.ws().writeBinaryMessage(Buffer.buffer(new byte[] {0, 1, 2, (byte) 255}));
    WebSocketFrame bin = s.next();
    assertThat(bin.type()).isEqualTo(WebSocketFrameType.BINARY);
    assertThat(bin.binaryData().getBytes()).containsExactly(0, 1, 2, 255);
    s.ws().close().await();
  }

  @Test
  void fragmentsArriveAsFragments() throws Exception {
    Session s = connect("frag");
    s.ws().writeFrame(WebSocketFrame.textFrame("hel", false));
    s.ws().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("lo "), false));
    s.ws().writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("world"), true));
    List<WebSocketFrame> got = List.of(s.next(), s.next(), s.next());
    assertThat(got).extracting(WebSocketFrame::type).containsExactly(WebSocketFrameType.TEXT,
        WebSocketFrameType.CONTINUATION, WebSocketFrameType.CONTINUATION);
    assertThat(got).extracting(WebSocketFrame::isFinal).containsExactly(false, false, true);
    assertThat(got).extracting(fr -> fr.binaryData().toString()).containsExactly("hel", "lo ", "world");
    s.ws().close().await();
  }

  @Test
  void largeMessageInOneFrame() throws Exception {
    Session s = connect("large");
    byte[] payload = new byte[8 * 1024 * 1024];
    new Random(42).nextBytes(payload);
    s.ws().writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(payload), true));
    Buffer received = Buffer.buffer();
    while (received.length() < payload.length) {
      received.appendBuffer(s.next().binaryData());
    }
    assertThat(received.getBytes()).isEqualTo(payload);
    s.ws().close().await();
  }

  @Test
  void pingGetsPong() throws Exception {
    Session s = connect("ping");
    Promise<Buffer> pong = Promise.promise();
    s.ws().pongHandler(pong::tryComplete);
    s.ws().writePing(Buffer.buffer("are you there")).await();
    assertThat(pong.future().await(60, TimeUnit.SECONDS).toString()).isEqualTo("are you there");
    s.ws().close().await();
  }

  @Test
  void workspaceCloseCodeReachesClient() throws Exception {
    Session s = connect("wsclose");
    s.ws().writeTextMessage("close:4002");
    s.closed().future().await(60, TimeUnit.SECONDS);
    assertThat(s.ws().closeStatusCode()).isEqualTo((short) 4002);
    assertThat(s.ws().closeReason()).isEqualTo("requested");
  }

  @Test
  void clientCloseCodeReachesWorkspaceAndComesBack() throws Exception {
    Session s = connect("clclose");
    s.ws().close((short) 4001, "bye").await();
    s.closed().future().await(60, TimeUnit.SECONDS);
    assertThat(s.ws().closeStatusCode()).isEqualTo((short) 4001);
  }
}
