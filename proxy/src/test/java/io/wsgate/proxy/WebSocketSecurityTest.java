package io.wsgate.proxy;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * WebSocket upgrades need a session and the workspace's own Origin (cross-site WebSocket hijacking); only GET
 * upgrades; h2c never reaches a workspace; messages are bounded; permessage-deflate is never negotiated and a
 * compressed frame is refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebSocketSecurityTest {

  @TempDir
  static Path tmp;
  static AuthFixture a;
  static GatewayFixture f;
  static WebSocketClient client;
  static String session;
  static String host;

  @BeforeAll
  static void start() {
    a = new AuthFixture(tmp, "WSGATE_WEBSOCKET_MAX_MESSAGE", "64KiB");
    f = a.f;
    client = f.vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 20));
    session = a.login("sock", "alice");
    host = "ws-sock.localhost:" + f.gateway.port();
  }

  @AfterAll
  static void stop() {
    a.close();
  }

  private WebSocketConnectOptions options(String origin, String cookie) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(f.gateway.port())
        .setURI("/ws").addHeader("host", host)
        .setAllowOriginHeader(origin != null); // false drops every Origin header, ours included
    if (origin != null) {
      o.addHeader("origin", origin);
    }
    if (cookie != null) {
      o.addHeader("cookie", cookie);
    }
    return o;
  }

  private int rejected(WebSocketConnectOptions o) {
    Throwable t = catchThrowable(() -> client.connect(o).await());
    assertThat(t).isInstanceOf(UpgradeRejectedException.class);
    return ((UpgradeRejectedException) t).getStatus();
  }

  @Test
  void sameOriginWithSessionConnects() throws Exception {
    WebSocket ws = client.connect(options("http://" + host, session)).await();
    Promise<String> echo = Promise.promise();
    ws.textMessageHandler(echo::tryComplete);
    ws.writeTextMessage("hello");
    assertThat(echo.future().await(60, TimeUnit.SECONDS)).isEqualTo("hello");
    ws.close().await();
  }

  @Test
  void crossSiteOriginsAreRefused() {
    int before = f.backend.requests();
    assertThat(rejected(options("http://evil.example", session))).isEqualTo(403);
    assertThat(rejected(options("http://ws-other.localhost:" + f.gateway.port(), session))).isEqualTo(403);
    assertThat(rejected(options("https://" + host, session))).isEqualTo(403); // wrong scheme
    assertThat(rejected(options("null", session))).isEqualTo(403);
    assertThat(rejected(options(null, session))).isEqualTo(403);
    assertThat(f.backend.requests()).isEqualTo(before);
  }

  @Test
  void noSessionNoSocket() {
    int before = f.backend.requests();
    assertThat(rejected(options("http://" + host, null))).isEqualTo(401);
    assertThat(f.backend.requests()).isEqualTo(before);
  }

  @Test
  void oversizedMessageClosesTheSocketAndSmallOnesStillPass() throws Exception {
    WebSocket ws = client.connect(options("http://" + host, session)).await();
    Promise<Short> closed = Promise.promise();
    Promise<Integer> echoed = Promise.promise();
    java.util.concurrent.atomic.AtomicInteger bigEchoes = new java.util.concurrent.atomic.AtomicInteger();
    ws.binaryMessageHandler(b -> {
      echoed.tryComplete(b.length());
      if (b.length() > 64 * 1024) {
        bigEchoes.incrementAndGet();
      }
    });
    ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode()));
    ws.writeBinaryMessage(Buffer.buffer(new byte[32 * 1024]));
    assertThat(echoed.future().await(60, TimeUnit.SECONDS)).isEqualTo(32 * 1024);
    ws.writeBinaryMessage(Buffer.buffer(new byte[100 * 1024]));
    // refused at the gateway: 1009 (too big) or the connection dropped (1006); the workspace never echoed it
    assertThat(closed.future().await(60, TimeUnit.SECONDS)).isIn((short) 1009, (short) 1006);
    assertThat(bigEchoes.get()).isZero();
  }

  @Test
  void postUpgradeIsRefused() throws Exception {
    int before = f.backend.requests();
    String reply = RawHttp.exchange(f.gateway.port(), "POST /ws HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://"
        + host + "\r\nCookie: " + session + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nContent-Length: 0\r\n\r\n", 30_000);
    assertThat(reply).startsWith("HTTP/1.1 400");
    assertThat(f.backend.requests()).isEqualTo(before);
  }

  @Test
  void h2cUpgradeNeverReachesTheWorkspace() throws Exception {
    String reply = RawHttp.exchange(f.gateway.port(), "GET /echo HTTP/1.1\r\nHost: " + host + "\r\nCookie: " + session
        + "\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n", 30_000);
    assertThat(reply).startsWith("HTTP/1.1 200");
    JsonObject headers = new JsonObject(reply.substring(reply.indexOf("\r\n\r\n") + 4)).getJsonObject("headers");
    assertThat(headers.fieldNames()).doesNotContain("upgrade", "http2-settings", "connection");
  }

  @Test
  void deflateIsNotNegotiatedAndACompressedFrameIsRefused() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.gateway.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://" + host + "\r\nCookie: "
          + session + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 101");
      assertThat(head.toLowerCase()).doesNotContain("sec-websocket-extensions");
      // a masked text frame with RSV1 set: "compressed" data, 1 KiB that would inflate to much more
      byte[] payload = new byte[1024];
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write(0x80 | 0x40 | 0x1);
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
      frame.write(new byte[] {1, 2, 3, 4});
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ (i % 4 + 1));
      }
      s.getOutputStream().write(frame.toByteArray());
      // the gateway closes the connection (with or without a 1002 close frame) and never echoes a data frame
      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = in.read(buf)) > 0; ) {
        rest.write(buf, 0, n);
      }
      byte[] got = rest.toByteArray();
      if (got.length > 0) {
        assertThat(got[0] & 0x0f).as("the only frame is a close frame").isEqualTo(0x8);
        assertThat(((got[2] & 0xff) << 8) | (got[3] & 0xff)).isEqualTo(1002);
      }
    }
  }

  private static String readHead(InputStream in) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }
}
