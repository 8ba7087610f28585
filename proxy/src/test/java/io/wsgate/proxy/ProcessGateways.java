package io.wsgate.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.wsgate.config.GatewayConfig;
import io.wsgate.testing.RedisFixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Gateways whose workspaces are real {@code TestBackend} processes started by the local provider. */
final class ProcessGateways implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final RedisFixture redis = RedisFixture.start();
  final Path tmp;
  private final List<Gateway> gateways = new ArrayList<>();

  ProcessGateways(Path tmp) {
    this.tmp = tmp;
  }

  Gateway start(GatewayConfig config) {
    Gateway g = Gateway.start(vertx, config, redis.url()).await();
    gateways.add(g);
    return g;
  }

  Http http(Gateway g) {
    return new Http(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), g.port());
  }

  /** How many times workspace {@code id}'s process was started (each start appends a line). */
  long starts(String id) throws IOException {
    Path log = tmp.resolve("data").resolve(id).resolve("starts.log");
    return Files.exists(log) ? Files.readAllLines(log).size() : 0;
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
