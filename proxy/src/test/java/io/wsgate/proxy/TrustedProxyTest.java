package io.wsgate.proxy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A trusted proxy's X-Forwarded-For/-Proto are kept (the peer appended); Forwarded and X-Forwarded-Host never are. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrustedProxyTest {

  @TempDir
  Path tmp;

  @Test
  void trustedPeerKeepsItsChain() throws Exception {
    try (GatewayFixture f = new GatewayFixture(tmp, "WSGATE_TRUSTED_PROXIES", "127.0.0.0/8")) {
      String host = "ws-alb.localhost:" + f.gateway.port();
      String reply = RawHttp.exchange(f.gateway.port(), "GET /echo HTTP/1.1\r\nHost: " + host + "\r\n"
          + "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\n"
          + "Forwarded: for=6.6.6.6\r\n\r\n", 60_000);
      assertThat(reply).startsWith("HTTP/1.1 200");
      JsonObject h = new JsonObject(reply.substring(reply.indexOf("\r\n\r\n") + 4)).getJsonObject("headers");
      assertThat(h.getString("x-forwarded-for")).isEqualTo("203.0.113.7, 127.0.0.1");
      assertThat(h.getString("x-forwarded-proto")).isEqualTo("https");
      assertThat(h.getString("x-forwarded-host")).isEqualTo(host);
      assertThat(h.fieldNames()).doesNotContain("forwarded");
    }
  }
}
