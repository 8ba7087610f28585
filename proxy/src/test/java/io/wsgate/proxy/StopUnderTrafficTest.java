package io.wsgate.proxy;

import ch.qos.logback.classic.Level;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.wsgate.testing.FixedEndpointProvider;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestBackend;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway stopped while keep-alive connections keep sending requests: each request is answered or its connection
 * is closed, and nothing is logged as an error (a request that came in after the upstream clients were closed used
 * to end in an unhandled "Client is closed", seen in the soak's gateway restart).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StopUnderTrafficTest {

  @TempDir
  Path tmp;

  final Vertx vertx = Vertx.vertx();
  final Vertx load = Vertx.vertx();
  final RedisFixture redis = RedisFixture.start();
  LogCapture logs;

  @AfterEach
  void stop() {
    if (logs != null) {
      logs.close();
    }
    load.close().await();
    vertx.close().await();
    redis.close();
  }

  @Test
  void requestsDuringAStopAreAnsweredOrClosedNeverFailedInside() throws Exception {
    TestBackend backend = new TestBackend("busy", 0);
    vertx.deployVerticle(backend).await();
    Gateway gateway = Gateway.start(vertx, TestConfigs.of(tmp, "WSGATE_PROFILE_DEMO_READINESS_PATH", "/healthz",
            "WSGATE_EVENT_LOOPS", "2"), redis.url(),
        Gateway.Dependencies.defaults().withProvider(new FixedEndpointProvider(new Endpoint("127.0.0.1",
            backend.actualPort())))).await();
    HttpClient client = load.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(16));
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setPort(gateway.port())
        .setHost("127.0.0.1").setURI("/echo").putHeader("host", "ws-busy.localhost");
    assertThat(client.request(get).compose(r -> r.send()).await().statusCode()).isEqualTo(200);

    logs = LogCapture.root();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong answered = new AtomicLong();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    for (int i = 0; i < 16; i++) {
      keepSending(client, get, running, answered, statuses);
    }
    long before = answered.get();
    while (answered.get() < before + 500) {
      Thread.onSpinWait();
    }
    gateway.stop(false).await();
    running.set(false);

    assertThat(statuses.keySet()).as("statuses answered while stopping").containsOnly(200);
    List<String> errors = logs.all().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
        .toList();
    assertThat(errors).isEmpty();
  }

  /** One request after another on the pool's connections, until told to stop; failures (closed) just go on. */
  private void keepSending(HttpClient client, RequestOptions get, AtomicBoolean running, AtomicLong answered,
                           Map<Integer, AtomicInteger> statuses) {
    if (!running.get()) {
      return;
    }
    client.request(get).compose(r -> r.send()).compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            answered.incrementAndGet();
            statuses.computeIfAbsent(ar.result(), s -> new AtomicInteger()).incrementAndGet();
          }
          keepSending(client, get, running, answered, statuses);
        });
  }
}
