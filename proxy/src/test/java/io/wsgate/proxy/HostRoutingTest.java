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

/** Non-workspace hosts get a precise 404 and never reach a workspace; the load balancer's health check works. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostRoutingTest {

  @TempDir
  static Path tmp;
  static GatewayFixture f;

  @BeforeAll
  static void start() {
    f = new GatewayFixture(tmp);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void healthCheckOnAnyOtherHost() {
    Http.Response r = f.http.get("10.0.0.5", "/healthz").await();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("ok\n");
  }

  @Test
  void unknownHostGetsProblemJson() {
    Http.Response r = f.http.get("www.localhost", "/").await();
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.headers().get("content-type")).isEqualTo("application/problem+json");
    JsonObject problem = new JsonObject(r.body());
    assertThat(problem.getString("detail")).contains("not a workspace address").contains("ws-<id>.localhost");
  }

  @Test
  void badIdGetsHtmlPageForBrowsers() {
    Http.Response r = f.http.get("ws-bad_id<script>.localhost", "/", "accept", "text/html").await();
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.headers().get("content-type")).startsWith("text/html");
    assertThat(r.text()).contains("not a valid host name").doesNotContain("<script>");
  }

  @Test
  void hostileHostsNeverReachAWorkspace() throws Exception {
    int before = f.backend.requests();
    String[] hosts = {"127.0.0.1:" + f.backend.actualPort(), "ws-x.localhost.evil.com", "ws-x.localhost@evil.com",
        "ws--x.localhost", "localhost", "[::1]"};
    for (String host : hosts) {
      String reply = RawHttp.exchange(f.gateway.port(), "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 30_000);
      assertThat(reply).as(host).startsWith("HTTP/1.1 404");
    }
    String absolute = RawHttp.exchange(f.gateway.port(),
        "GET http://127.0.0.1:" + f.backend.actualPort() + "/ HTTP/1.1\r\nHost: evil.com\r\n\r\n", 30_000);
    assertThat(absolute).startsWith("HTTP/1.1 400"); // absolute-form for another host: refused at the edge
    assertThat(f.backend.requests()).isEqualTo(before);
    assertThat(f.provider.launches()).isZero();
  }
}
