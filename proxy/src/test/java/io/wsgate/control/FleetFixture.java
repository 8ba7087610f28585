package io.wsgate.control;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.wsgate.config.GatewayConfig;
import io.wsgate.proxy.Gateway;
import io.wsgate.proxy.Http;
import io.wsgate.testing.InProcessProvider;
import io.wsgate.time.ManualClock;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestConfigs;
import io.wsgate.testing.TestTime;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gateways whose workspaces are in-process backends, with a clock the test moves and a control loop and
 * activity flush that run only when the test says so (and no periodic fleet sampling, whose Redis reads would
 * land in the tests that count Redis commands).
 */
final class FleetFixture implements AutoCloseable {

  /** A Monday, 10:00 UTC (moved by whole weeks with {@link TestTime#SHIFT_WEEKS}). */
  static final Instant MONDAY_10 = TestTime.at("2026-11-23T10:00:00Z");

  final Vertx vertx = Vertx.vertx();
  final RedisFixture redis = RedisFixture.start();
  final InProcessProvider provider = new InProcessProvider(vertx);
  final ManualClock clock = new ManualClock(MONDAY_10);
  private final Path tmp;
  private final List<Gateway> gateways = new ArrayList<>();

  FleetFixture(Path tmp) {
    this.tmp = tmp;
  }

  GatewayConfig config(String... settings) {
    List<String> all = new ArrayList<>(List.of("WSGATE_CONTROL_INTERVAL", "1h", "WSGATE_ACTIVITY_FLUSH_INTERVAL", "1h",
        "WSGATE_METRICS_SAMPLE_INTERVAL", "1h",
        "WSGATE_RECONCILE_INTERVAL", "1ms", "WSGATE_PROFILE_DEMO_READINESS_PATH", "/healthz"));
    all.addAll(List.of(settings));
    return TestConfigs.of(tmp, all.toArray(String[]::new));
  }

  Gateway start(GatewayConfig config) {
    Gateway g = Gateway.start(vertx, config, redis.url(), Gateway.Dependencies.defaults().withProvider(provider).withClock(clock)).await();
    gateways.add(g);
    return g;
  }

  Http http(Gateway g) {
    return new Http(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), g.port());
  }

  /** The Redis workspace hash of {@code id}. */
  Map<String, String> workspace(Gateway g, String id) {
    Response r = g.store().send(Request.cmd(Command.HGETALL).arg("wsgate:ws:" + id)).await();
    Map<String, String> out = new HashMap<>();
    if (r.isMap()) {
      r.getKeys().forEach(k -> out.put(k, r.get(k).toString()));
      return out;
    }
    for (int i = 0; i + 1 < r.size(); i += 2) {
      out.put(r.get(i).toString(), r.get(i + 1).toString());
    }
    return out;
  }

  /** Calls of each Redis command so far ({@code INFO commandstats}). */
  Map<String, Long> commandCalls(Gateway g) {
    String info = g.store().send(Request.cmd(Command.INFO).arg("commandstats")).await().toString();
    Map<String, Long> out = new HashMap<>();
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring(8, line.indexOf(':'));
        String calls = line.substring(line.indexOf("calls=") + 6, line.indexOf(','));
        out.put(name, Long.parseLong(calls));
      }
    }
    return out;
  }

  /** Stops {@code g} as SIGTERM would (its workspaces keep running); completes when it has stopped. */
  io.vertx.core.Future<Void> stop(Gateway g) {
    gateways.remove(g);
    return g.stop(false);
  }

  @Override
  public void close() {
    try {
      for (Gateway g : gateways) {
        g.stop(false).await();
      }
    } finally {
      vertx.close().await();
      redis.close();
    }
  }
}
