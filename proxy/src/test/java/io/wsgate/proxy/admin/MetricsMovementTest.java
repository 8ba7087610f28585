package io.wsgate.proxy.admin;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.wsgate.metrics.Meters;
import io.wsgate.proxy.Http;
import io.wsgate.proxy.MetricsGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.wsgate.proxy.MetricsGateway.host;
import static org.assertj.core.api.Assertions.assertThat;

/** Real traffic through the gateway moves each wsgate meter by exactly what happened. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MetricsMovementTest {

  @TempDir
  static Path tmp;
  static MetricsGateway g;

  @BeforeAll
  static void start() {
    g = new MetricsGateway(tmp);
  }

  @AfterAll
  static void stop() {
    g.close();
  }

  @Test
  void httpRequestsLaunchAndHeldRequest() {
    // the other tests of this class launch workspaces too: compare with what was there before
    double ok = g.counter(Meters.REQUESTS, "outcome", "ok", "status_class", "2xx");
    double in = g.counter(Meters.BYTES, "protocol", "http", "direction", "in");
    double out = g.counter(Meters.BYTES, "protocol", "http", "direction", "out");
    long overheadIn = g.timerCount(Meters.PROXY_OVERHEAD, "leg", "request");
    long overheadOut = g.timerCount(Meters.PROXY_OVERHEAD, "leg", "response");
    long firstByte = g.timerCount(Meters.UPSTREAM_FIRST_BYTE);
    long launches = g.timerCount(Meters.LAUNCH_DURATION, "profile", "demo", "source", "cold");
    long claims = g.timerCount(Meters.LAUNCH_PHASE, "phase", "claim", "source", "cold");
    long starts = g.timerCount(Meters.LAUNCH_PHASE, "phase", "provider_start", "source", "cold");
    long readiness = g.timerCount(Meters.LAUNCH_PHASE, "phase", "readiness", "source", "cold");
    long held = g.timerCount(Meters.HOLD_WAIT, "outcome", "ready");
    long sentBytes = 0;
    long receivedBytes = 0;
    for (int i = 0; i < 5; i++) {
      Buffer body = Buffer.buffer(new byte[1000 + i]);
      // the first one is held while the workspace launches, then forwarded
      Http.Response r = g.http.send(HttpMethod.POST, host("http1"), "/echo", body).await();
      assertThat(r.status()).isEqualTo(200);
      sentBytes += body.length();
      receivedBytes += r.body().length();
    }
    g.awaitValue("ok 2xx requests", () -> g.counter(Meters.REQUESTS, "outcome", "ok", "status_class", "2xx"), ok + 5);
    g.awaitValue("http bytes in", () -> g.counter(Meters.BYTES, "protocol", "http", "direction", "in"),
        in + sentBytes);
    g.awaitValue("http bytes out", () -> g.counter(Meters.BYTES, "protocol", "http", "direction", "out"),
        out + receivedBytes);
    assertThat(g.timerCount(Meters.PROXY_OVERHEAD, "leg", "request")).isEqualTo(overheadIn + 5);
    assertThat(g.timerCount(Meters.PROXY_OVERHEAD, "leg", "response")).isEqualTo(overheadOut + 5);
    assertThat(g.timerCount(Meters.UPSTREAM_FIRST_BYTE)).isEqualTo(firstByte + 5);
    assertThat(g.timerCount(Meters.LAUNCH_DURATION, "profile", "demo", "source", "cold")).isEqualTo(launches + 1);
    assertThat(g.timerCount(Meters.LAUNCH_PHASE, "phase", "claim", "source", "cold")).isEqualTo(claims + 1);
    assertThat(g.timerCount(Meters.LAUNCH_PHASE, "phase", "provider_start", "source", "cold")).isEqualTo(starts + 1);
    assertThat(g.timerCount(Meters.LAUNCH_PHASE, "phase", "readiness", "source", "cold")).isEqualTo(readiness + 1);
    assertThat(g.timerCount(Meters.HOLD_WAIT, "outcome", "ready")).isEqualTo(held + 1);
    assertThat(g.gauge(Meters.HELD)).isZero();
    assertThat(g.gauge(Meters.LAUNCHES_ACTIVE)).isZero();
    assertThat(g.timerCount(Meters.REDIS_COMMANDS, "command", "eval", "outcome", "ok")).isPositive();
  }

  @Test
  void failedLaunchCountedByReasonAndPhase() {
    Http.Response r = g.http.get(host("bad1"), "/echo").await();
    assertThat(r.status()).isEqualTo(503);
    g.awaitValue("launch_failed 5xx", () -> g.counter(Meters.REQUESTS, "outcome", "launch_failed",
        "status_class", "5xx"), 1);
    assertThat(g.counter(Meters.LAUNCH_FAILURES, "profile", "demo", "source", "cold", "reason", "provider_error",
        "phase", "provider_start")).isEqualTo(1);
    assertThat(g.timerCount(Meters.HOLD_WAIT, "outcome", "launch_failed")).isEqualTo(1);
    // a browser asking during the backoff gets the reason at once, not a waiting page; no second launch
    Http.Response page = g.http.get(host("bad1"), "/", "accept", "text/html").await();
    assertThat(page.status()).isEqualTo(503);
    assertThat(page.headers().get("content-type")).startsWith("text/html");
    assertThat(g.counter(Meters.WAITING_PAGES)).isZero();
    assertThat(g.counter(Meters.LAUNCH_FAILURES, "reason", "provider_error")).isEqualTo(1);
  }

  @Test
  void webSocketSessionOpenGaugeAndBytes() throws Exception {
    // the first upgrade is held while the workspace launches
    WebSocket ws = g.webSocket("wsmeter");
    Promise<Buffer> echoed = Promise.promise();
    ws.handler(echoed::tryComplete);
    ws.writeTextMessage("hello").await();
    assertThat(echoed.future().await(30, TimeUnit.SECONDS).toString()).isEqualTo("hello");
    assertThat(g.counter(Meters.WS_SESSIONS, "outcome", "opened")).isEqualTo(1);
    assertThat(g.gauge(Meters.WS_OPEN)).isEqualTo(1);
    assertThat(g.counter(Meters.BYTES, "protocol", "websocket", "direction", "in")).isEqualTo(5);
    g.awaitValue("websocket bytes out", () -> g.counter(Meters.BYTES, "protocol", "websocket", "direction", "out"),
        5);
    ws.close().await();
    g.awaitValue("open websockets after close", () -> g.gauge(Meters.WS_OPEN), 0);
  }

  @Test
  void upgradesHeldDuringLaunchesOpenOnMetricsEnabledVertx() throws Exception {
    // ten upgrades for one cold workspace and one each for ten others, all at once: each is held while its
    // workspace launches, then gets its 101 and echoes (the Vert.x here has HTTP server metrics on, as in Main)
    List<Future<String>> echoes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String id = i < 10 ? "wsheld" : "wsheld" + i;
      String text = "hello " + i;
      echoes.add(g.webSocketAsync(id).compose(ws -> {
        Promise<Buffer> echoed = Promise.promise();
        ws.handler(echoed::tryComplete);
        return ws.writeTextMessage(text).compose(v -> echoed.future())
            .compose(b -> ws.close().map(b.toString()));
      }));
    }
    for (int i = 0; i < 20; i++) {
      assertThat(echoes.get(i).await(60, TimeUnit.SECONDS)).isEqualTo("hello " + i);
    }
  }

  @Test
  void aClientThatHangsUpIsCountedAsClientClosedNotAsAWorkspaceFailure() throws Exception {
    assertThat(g.http.get(host("hangup"), "/echo").await().status()).isEqualTo(200);
    double closed = g.counter(Meters.REQUESTS, "outcome", "client_closed", "status_class", "4xx");
    double reset = g.counter(Meters.REQUESTS, "outcome", "upstream_reset", "status_class", "5xx");
    long forwarded = g.timerCount(Meters.PROXY_OVERHEAD, "leg", "request");
    try (Socket s = new Socket("127.0.0.1", g.gateway.port())) {
      s.getOutputStream().write(("GET /slow?ms=60000 HTTP/1.1\r\nHost: " + host("hangup") + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      g.awaitValue("requests forwarded", () -> g.timerCount(Meters.PROXY_OVERHEAD, "leg", "request"), forwarded + 1);
    }
    g.awaitValue("client_closed requests",
        () -> g.counter(Meters.REQUESTS, "outcome", "client_closed", "status_class", "4xx"), closed + 1);
    assertThat(g.counter(Meters.REQUESTS, "outcome", "upstream_reset", "status_class", "5xx")).isEqualTo(reset);
    // and the workspace keeps its route
    assertThat(g.http.get(host("hangup"), "/echo").await().status()).isEqualTo(200);
  }
}
