package io.wsgate.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.wsgate.config.GatewayConfig;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestVertx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Gateways whose workspaces are real {@code TestBackend} processes started by the local provider. */
public final class ProcessGateways implements AutoCloseable {

  public final Vertx vertx = TestVertx.create();
  final RedisFixture redis = RedisFixture.start();
  final Path tmp;
  private final List<Gateway> gateways = new ArrayList<>();

  public ProcessGateways(Path tmp) {
    this.tmp = tmp;
  }

  public Gateway start(GatewayConfig config) {
    return start(config, java.time.Clock.systemUTC());
  }

  public Gateway start(GatewayConfig config, java.time.Clock clock) {
    return start(config, clock, redis.url());
  }

  /** A gateway on a Redis of the test's choosing (a forwarder in front of this one, say). */
  public Gateway start(GatewayConfig config, java.time.Clock clock, String redisUrl) {
    Gateway g = Gateway.start(vertx, config, redisUrl, Gateway.Dependencies.defaults().withClock(clock))
        .await();
    gateways.add(g);
    return g;
  }

  public Http http(Gateway g) {
    return new Http(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), g.port());
  }

  /** How many times workspace {@code id}'s process was started (each start appends a line). */
  public long starts(String id) throws IOException {
    Path log = tmp.resolve("data").resolve(id).resolve("starts.log");
    return Files.exists(log) ? Files.readAllLines(log).size() : 0;
  }

  /** The pid of the local provider's workspace process {@code ref}, from its registry entry. */
  public long pid(String ref) throws IOException {
    var props = new java.util.Properties();
    try (var in = Files.newInputStream(tmp.resolve("state/processes/" + ref + ".properties"))) {
      props.load(in);
    }
    return Long.parseLong(props.getProperty("pid"));
  }

  @Override
  public void close() {
    try {
      for (Gateway g : gateways) {
        g.stop(true).await();
      }
    } finally {
      vertx.close().await();
      redis.close();
    }
  }
}
