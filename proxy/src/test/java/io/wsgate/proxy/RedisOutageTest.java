package io.wsgate.proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.wsgate.store.ActivityStore;
import io.wsgate.testing.Eventually;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis stops answering for a while (CLIENT PAUSE), or answers but refuses writes (OOM at maxmemory): the open
 * workspace keeps being served, a new one is refused fast with a page that says why and when to retry, the activity
 * seen meanwhile is written once Redis takes writes again, and the log says so once when the outage begins and once
 * when it ends, not once per failed flush, tick or request.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisOutageTest extends ProcessGatewayTest {

  private static final long PAUSE_MS = 6_000;

  LogCapture logs;

  @AfterEach
  void detachLog() {
    if (logs != null) {
      logs.close();
    }
  }

  @Test
  void pausedRedis() throws Exception {
    Gateway gw = openWorkspace();
    Http http = env.http(gw);
    Redis admin = Redis.createClient(env.vertx, env.redis.url());
    admin.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(PAUSE_MS).arg("ALL")).await();
    long pausedAt = System.currentTimeMillis();

    assertThat(http.get("ws-open.localhost", "/echo").await().status()).as("open workspace, from the route cache")
        .isEqualTo(200);
    long t0 = System.nanoTime();
    Http.Response fresh = http.get("ws-fresh.localhost", "/echo").await();
    long refusedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertRefusedFast(fresh, refusedMs);
    assertThat(gw.store().reachability().isDown()).isTrue();

    Eventually.await(env.vertx, Duration.ofSeconds(60), "the gateway notices Redis is back",
        () -> !gw.store().reachability().isDown() && messages(Level.INFO, "redis is reachable again") == 1);
    assertActivityWritten(gw, pausedAt);
    assertThat(messages(Level.WARN, "redis is unreachable")).isEqualTo(1);
    assertNoOtherWarnings();
    admin.close();
  }

  @Test
  void redisThatRefusesWrites() throws Exception {
    Gateway gw = openWorkspace();
    Http http = env.http(gw);
    Redis admin = Redis.createClient(env.vertx, env.redis.url());
    admin.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory-policy").arg("noeviction")).await();
    admin.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("1")).await(); // every write: OOM
    long fullAt = System.currentTimeMillis();

    assertThat(http.get("ws-open.localhost", "/echo").await().status()).as("open workspace").isEqualTo(200);
    long t0 = System.nanoTime();
    Http.Response fresh = http.get("ws-fresh.localhost", "/echo").await();
    assertRefusedFast(fresh, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    Eventually.await(env.vertx, Duration.ofSeconds(60), "a refused activity flush",
        () -> messages(Level.WARN, "redis refuses writes") == 1);

    admin.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("0")).await();
    Eventually.await(env.vertx, Duration.ofSeconds(60), "the gateway notices Redis takes writes again",
        () -> messages(Level.INFO, "redis accepts writes again") == 1);
    assertActivityWritten(gw, fullAt);
    assertThat(messages(Level.WARN, "redis refuses writes")).isEqualTo(1);
    assertNoOtherWarnings();
    admin.close();
  }

  /** A gateway whose workspace "open" runs, with the log captured from here on. */
  private Gateway openWorkspace() throws Exception {
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "", "WSGATE_REDIS_TIMEOUT", "1s",
        "WSGATE_CONTROL_INTERVAL", "1s"));
    assertThat(env.http(gw).get("ws-open.localhost", "/echo").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);
    logs = LogCapture.root();
    return gw;
  }

  private static void assertRefusedFast(Http.Response fresh, long tookMs) {
    assertThat(fresh.status()).isEqualTo(503);
    assertThat(fresh.headers().get("retry-after")).isEqualTo("5");
    assertThat(new JsonObject(fresh.body()).getString("detail")).contains("cannot start or find workspaces right now");
    assertThat(tookMs).as("refused within the outage, not after it").isLessThan(PAUSE_MS);
  }

  /** The request made during the outage marked the workspace active; that mark reaches Redis afterwards. */
  private void assertActivityWritten(Gateway gw, long since) {
    Eventually.await(env.vertx, Duration.ofSeconds(60), "the activity of the outage is written", () ->
        new ActivityStore(gw.store()).read(List.of("open")).await().get("open")
            .map(a -> a.atMillis() >= since).orElse(false));
  }

  private void assertNoOtherWarnings() {
    assertThat(logs.all()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage)
        .as("nothing else at WARN or above during the outage")
        .allMatch(m -> m.startsWith("redis is unreachable") || m.startsWith("redis refuses writes")
            || m.startsWith("redis event subscription"));
  }

  private long messages(Level level, String start) {
    return logs.all().stream().filter(e -> e.getLevel() == level && e.getFormattedMessage().startsWith(start))
        .count();
  }
}
