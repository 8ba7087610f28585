package io.wsgate.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.wsgate.config.NetTransport;
import io.wsgate.metrics.Meters;
import io.wsgate.metrics.Metrics;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProviderException;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.testing.FixedEndpointProvider;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestBackend;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.Endpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose Vert.x and wsgate meters go to one Prometheus registry, in front of an in-process
 * {@link TestBackend}; workspaces whose id starts with {@code bad} fail to launch (the provider refuses).
 */
public final class MetricsGateway implements AutoCloseable {

  public final PrometheusMeterRegistry registry = Metrics.newRegistry();
  public final Vertx vertx = Metrics.vertx(new VertxOptions(), registry, NetTransport.auto().transport());
  public final RedisFixture redis = RedisFixture.start();
  public final Meters meters;
  public final Gateway gateway;
  public final Http http;
  public final Http admin;
  private final WebSocketClient webSockets;

  public MetricsGateway(Path tmp, String... settings) {
    TestBackend backend = new TestBackend("backend", 0);
    vertx.deployVerticle(backend).await();
    WorkspaceProvider provider = new FailingBadIds(new FixedEndpointProvider(
        new Endpoint("127.0.0.1", backend.actualPort())));
    var config = TestConfigs.of(tmp, settings);
    meters = new Meters(registry, config.admin().costPerTaskHour());
    gateway = Gateway.start(vertx, config, redis.url(), Gateway.Dependencies.defaults().withProvider(provider).withMeters(meters)).await();
    http = new Http(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), gateway.port());
    admin = new Http(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), gateway.adminPort());
    webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(50));
  }

  public static String host(String id) {
    return "ws-" + id + ".localhost";
  }

  /** A WebSocket to workspace {@code id}'s echo backend through the gateway. */
  public WebSocket webSocket(String id) {
    return webSocketAsync(id).await();
  }

  public Future<WebSocket> webSocketAsync(String id) {
    return webSockets.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(gateway.port()).setURI("/ws")
        .addHeader("host", host(id) + ":" + gateway.port())
        .addHeader("origin", "http://" + host(id) + ":" + gateway.port()));
  }

  /** The Prometheus text from the admin server's /metrics. */
  public String scrape(String... headers) {
    Http.Response r = admin.get("127.0.0.1", "/metrics", headers).await();
    assertThat(r.status()).as("/metrics status").isEqualTo(200);
    return r.text();
  }

  /** The metric names (dots as underscores, with suffixes) present in a scrape. */
  public static Set<String> names(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  public double counter(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  public long timerCount(String name, String... tags) {
    Timer t = registry.find(name).tags(tags).timer();
    return t == null ? 0 : t.count();
  }

  public double gauge(String name, String... tags) {
    Gauge g = registry.find(name).tags(tags).gauge();
    return g == null ? Double.NaN : g.value();
  }

  /**
   * Waits until {@code value} equals {@code expected}: some meters are recorded just after the response
   * has gone out, so the client can see the response first. Polls on Vert.x timers, up to 20 s.
   */
  public void awaitValue(String what, DoubleSupplier value, double expected) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (value.getAsDouble() != expected && System.nanoTime() < deadline) {
      vertx.timer(20).await();
    }
    assertThat(value.getAsDouble()).as(what).isEqualTo(expected);
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

  /** Delegates to a working provider, except that ids starting with {@code bad} fail to start. */
  private record FailingBadIds(WorkspaceProvider delegate) implements WorkspaceProvider {
    @Override
    public String name() {
      return "fixed";
    }

    @Override
    public Future<Void> verify() {
      return delegate.verify();
    }

    @Override
    public Future<ProvisionedWorkspace> launch(LaunchRequest request) {
      return request.workspace().value().startsWith("bad")
          ? Future.failedFuture(new ProviderException("no capacity for " + request.workspace().value()))
          : delegate.launch(request);
    }

    @Override
    public Future<Void> stop(String ref, StopReason reason) {
      return delegate.stop(ref, reason);
    }

    @Override
    public Future<List<ProvisionedWorkspace>> list() {
      return delegate.list();
    }
  }
}
