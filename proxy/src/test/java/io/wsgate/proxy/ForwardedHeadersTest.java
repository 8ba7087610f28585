package io.wsgate.proxy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Hop-by-hop headers never cross the gateway; forwarded headers are the gateway's; Host and Origin pass unchanged. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ForwardedHeadersTest {

  @TempDir
  static Path tmp;
  static GatewayFixture f;
  /** Held in a field: Vert.x closes a client (and its connections) once nothing references it. */
  static io.vertx.core.http.WebSocketClient webSockets;

  @BeforeAll
  static void start() {
    f = new GatewayFixture(tmp);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void requestHeaders() throws Exception {
    String host = "WS-Hdr.localhost:" + f.gateway.port();
    String reply = RawHttp.exchange(f.gateway.port(), "GET /echo?q=1 HTTP/1.1\r\n"
        + "Host: " + host + "\r\n"
        + "Origin: http://" + host + "\r\n"
        + "Connection: keep-alive, X-Secret-Hop\r\n"
        + "X-Secret-Hop: hop\r\n"
        + "Keep-Alive: timeout=5\r\n"
        + "Proxy-Connection: keep-alive\r\n"
        + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
        + "TE: trailers\r\n"
        + "X-Forwarded-For: 6.6.6.6\r\n"
        + "X-Forwarded-Host: evil.example\r\n"
        + "X-Forwarded-Proto: https\r\n"
        + "Forwarded: for=6.6.6.6\r\n"
        + "X-Keep: yes\r\n"
        + "\r\n", 60_000);
    assertThat(reply).startsWith("HTTP/1.1 200");
    JsonObject echo = new JsonObject(reply.substring(reply.indexOf("\r\n\r\n") + 4));
    JsonObject h = echo.getJsonObject("headers");
    assertThat(echo.getString("uri")).isEqualTo("/echo?q=1");
    assertThat(h.getString("host")).isEqualTo(host);
    assertThat(h.getString("origin")).isEqualTo("http://" + host);
    assertThat(h.getString("x-keep")).isEqualTo("yes");
    assertThat(h.fieldNames()).doesNotContain("x-secret-hop", "keep-alive", "proxy-connection",
        "proxy-authorization", "te", "forwarded");
    assertThat(h.getString("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(h.getString("x-forwarded-host")).isEqualTo(host);
    assertThat(h.getString("x-forwarded-proto")).isEqualTo("http");
  }

  @Test
  void responseHeaders() {
    Http.Response r = f.http.get(f.host("resp"), "/echo").await();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("x-backend-id")).isEqualTo("backend");
    assertThat(r.headers().contains("x-hop")).isFalse();
    assertThat(r.headers().contains("keep-alive")).isFalse();
  }

  @Test
  void webSocketHandshakeKeepsHostAndOrigin() {
    String host = "ws-wshdr.localhost:" + f.gateway.port();
    webSockets = f.vertx.createWebSocketClient();
    var ws = webSockets.connect(new io.vertx.core.http.WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(f.gateway.port()).setURI("/ws?x=1").addHeader("host", host)
        .addHeader("origin", "http://" + host).addHeader("cookie", "theme=dark")).await();
    io.vertx.core.MultiMap seen = f.backend.lastUpgradeHeaders;
    assertThat(seen.get("host")).isEqualTo(host);
    assertThat(seen.get("origin")).isEqualTo("http://" + host);
    assertThat(seen.get("cookie")).isEqualTo("theme=dark");
    assertThat(seen.get("x-forwarded-for")).isEqualTo("127.0.0.1");
    ws.close().await();
  }
}
