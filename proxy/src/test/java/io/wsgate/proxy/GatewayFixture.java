package io.wsgate.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.wsgate.config.GatewayConfig;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.testing.FixedEndpointProvider;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestBackend;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.Endpoint;
import io.wsgate.testing.TestVertx;

import java.nio.file.Path;

/** A gateway in front of an in-process {@link TestBackend}, with its own Redis: for proxying tests. */
final class GatewayFixture implements AutoCloseable {

  final Vertx vertx = TestVertx.create();
  final RedisFixture redis = RedisFixture.start();
  final TestBackend backend;
  final Gateway gateway;
  final Http http;
  final FixedEndpointProvider provider;

  GatewayFixture(Path tmp, String... settings) {
    backend = new TestBackend("backend", 0);
    vertx.deployVerticle(backend).await();
    provider = new FixedEndpointProvider(new Endpoint("127.0.0.1", backend.actualPort()));
    GatewayConfig config = TestConfigs.of(tmp, settings);
    gateway = start(config, provider);
    http = new Http(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), gateway.port());
  }

  Gateway start(GatewayConfig config, WorkspaceProvider p) {
    return Gateway.start(vertx, config, redis.url(), Gateway.Dependencies.defaults().withProvider(p)).await();
  }

  /** The Host name (without port; {@link Http} adds it) of workspace {@code id}. */
  String host(String id) {
    return "ws-" + id + ".localhost";
  }

  @Override
  public void close() {
    try {
      gateway.stop(false).await();
    } finally {
      vertx.close().await();
      redis.close();
    }
  }
}
