package io.wsgate.proxy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.wsgate.metrics.Meters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.vertx.redis.client.Command.GET;
import static io.vertx.redis.client.Command.HGETALL;
import static io.vertx.redis.client.Command.KEYS;
import static io.vertx.redis.client.Command.LRANGE;
import static io.vertx.redis.client.Command.SMEMBERS;
import static io.vertx.redis.client.Command.TYPE;
import static io.vertx.redis.client.Command.ZRANGE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Before it listens, the gateway runs its own request path (session cookie, route, forwarder, byte tunnel) with
 * synthetic traffic, and leaves nothing of it behind: every request and message of the warm-up succeeded, its
 * workspace appears nowhere in Redis (no route, activity, tab count or launch), the gateway's meters counted none
 * of it, and the gateway then serves students as usual.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WarmupTest {

  @TempDir
  Path tmp;
  private LogCapture logs;

  @BeforeEach
  void captureLogs() {
    logs = LogCapture.of(Warmup.class);
  }

  @AfterEach
  void releaseLogs() {
    logs.close();
  }

  @Test
  void withAuthOnTheWarmUpPassesThroughEverythingAndLeavesNoTrace() throws Exception {
    try (AuthFixture a = new AuthFixture(tmp, "WSGATE_WARMUP", "2s")) {
      assertWarmedUpAndLeftNoTrace(a.f);
      String cookie = a.login("alice", "alice");
      assertThat(a.f.http.get(a.f.host("alice"), "/", "cookie", cookie).await().status()).isEqualTo(200);
    }
  }

  @Test
  void withAuthOffToo() throws Exception {
    try (GatewayFixture f = new GatewayFixture(tmp, "WSGATE_WARMUP", "1s")) {
      assertWarmedUpAndLeftNoTrace(f);
      assertThat(f.http.get(f.host("bob"), "/").await().status()).isEqualTo(200);
    }
  }

  @Test
  void aRouteCacheTooShortToHoldTheWarmUpsRouteSkipsIt() throws Exception {
    // its route could expire mid-way, and a request would then go to cold start: the warm-up would be launched
    try (GatewayFixture f = new GatewayFixture(tmp, "WSGATE_WARMUP", "2s", "WSGATE_ROUTE_CACHE_TTL", "6s")) {
      assertThat(logs.all()).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
          "no warm-up: WSGATE_ROUTE_CACHE_TTL (6000 ms) is shorter than WSGATE_WARMUP (2000 ms) plus 5 s");
      assertThat(f.http.get(f.host("carol"), "/").await().status()).isEqualTo(200);
    }
  }

  private void assertWarmedUpAndLeftNoTrace(GatewayFixture f) {
    List<String> lines = logs.all().stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.startsWith("warmed up")).toList();
    assertThat(lines).singleElement().asString()
        .matches("warmed up in \\d+ ms: [1-9]\\d* requests, [1-9]\\d* WebSocket sessions with [1-9]\\d* messages, "
            + "0 failed");
    f.gateway.activity().flush().await(); // what the gateway's activity tracker holds is in Redis now
    assertThat(redisContents(f)).as("everything in Redis after the warm-up").noneMatch(s -> s.contains("warmup"));
    Meters meters = f.gateway.meters();
    double requests = meters.registry().find(Meters.REQUESTS).counters().stream().mapToDouble(Counter::count).sum();
    double sessions = meters.registry().find(Meters.WS_SESSIONS).counters().stream().mapToDouble(Counter::count)
        .sum();
    long timed = meters.registry().find(Meters.PROXY_OVERHEAD).timers().stream().mapToLong(Timer::count).sum();
    assertThat(requests + sessions + timed).as("requests, WebSocket sessions and timings counted").isZero();
  }

  /** Every key in Redis, and every member, field or value it holds. */
  private static List<String> redisContents(GatewayFixture f) {
    Redis redis = Redis.createClient(f.vertx, f.redis.url());
    try {
      List<String> all = new ArrayList<>();
      for (Response key : redis.send(Request.cmd(KEYS).arg("*")).await()) {
        all.add(key.toString());
        String type = redis.send(Request.cmd(TYPE).arg(key.toString())).await()
            .toString();
        Request read = switch (type) {
          case "string" -> Request.cmd(GET).arg(key.toString());
          case "hash" -> Request.cmd(HGETALL).arg(key.toString());
          case "set" -> Request.cmd(SMEMBERS).arg(key.toString());
          case "zset" -> Request.cmd(ZRANGE).arg(key.toString()).arg(0).arg(-1);
          case "list" -> Request.cmd(LRANGE).arg(key.toString()).arg(0).arg(-1);
          default -> null;
        };
        if (read != null) {
          Response r = redis.send(read).await();
          if (r != null && r.type() == ResponseType.MULTI) {
            r.forEach(x -> all.add(String.valueOf(x)));
          } else {
            all.add(String.valueOf(r));
          }
        }
      }
      return all;
    } finally {
      redis.close();
    }
  }
}
