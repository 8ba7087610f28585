package io.wsgate.proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis stops answering for a while (CLIENT PAUSE): the open workspace keeps being served, a new one is refused fast
 * with a page that says why and when to retry, the activity seen meanwhile is written once Redis answers again, and
 * the log says so once when it begins and once when it ends, not once per failed flush, tick or request.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisPauseTest {

  private static final long PAUSE_MS = 6_000;

  @TempDir
  Path tmp;
  ProcessGateways env;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @AfterEach
  void stop() {
    root.detachAppender(logs);
    env.close();
  }

  @Test
  void openWorkspacesKeepWorkingAndTheOutageIsLoggedOnce() throws Exception {
    env = new ProcessGateways(tmp);
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "", "WSGATE_REDIS_TIMEOUT", "1s",
        "WSGATE_CONTROL_INTERVAL", "1s"));
    Http http = env.http(gw);
    assertThat(http.get("ws-open.localhost", "/echo").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);
    logs.start();
    root.addAppender(logs);

    Redis admin = Redis.createClient(env.vertx, env.redis.url());
    admin.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(PAUSE_MS).arg("ALL")).await();
    long pausedAt = System.currentTimeMillis();

    assertThat(http.get("ws-open.localhost", "/echo").await().status()).as("open workspace, from the route cache")
        .isEqualTo(200);
    long t0 = System.nanoTime();
    Http.Response fresh = http.get("ws-fresh.localhost", "/echo").await();
    long refusedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(fresh.status()).isEqualTo(503);
    assertThat(fresh.headers().get("retry-after")).isEqualTo("5");
    assertThat(new JsonObject(fresh.body()).getString("detail")).contains("cannot start or find workspaces right now");
    assertThat(refusedMs).as("refused before the pause ends").isLessThan(PAUSE_MS);
    assertThat(gw.store().reachability().isDown()).isTrue();

    Eventually.await(env.vertx, Duration.ofSeconds(60), "the gateway notices Redis is back",
        () -> !gw.store().reachability().isDown() && messages(Level.INFO, "redis is reachable again") == 1);
    // the request made during the pause marked the workspace active; that mark reaches Redis now
    Eventually.await(env.vertx, Duration.ofSeconds(60), "the activity of the pause is written", () ->
        new ActivityStore(gw.store()).read(List.of("open")).await().get("open")
            .map(a -> a.atMillis() >= pausedAt).orElse(false));

    assertThat(messages(Level.WARN, "redis is unreachable")).isEqualTo(1);
    List<ILoggingEvent> seen;
    synchronized (logs) { // the appender appends under its own lock
      seen = List.copyOf(logs.list);
    }
    assertThat(seen).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .extracting(ILoggingEvent::getFormattedMessage)
        .as("nothing else at WARN or above during the outage")
        .allMatch(m -> m.startsWith("redis is unreachable") || m.startsWith("redis event subscription"));
    admin.close();
  }

  private long messages(Level level, String start) {
    synchronized (logs) {
      return logs.list.stream().filter(e -> e.getLevel() == level && e.getFormattedMessage().startsWith(start))
          .count();
    }
  }
}
