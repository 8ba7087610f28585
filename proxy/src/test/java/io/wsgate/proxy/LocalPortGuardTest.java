package io.wsgate.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.wsgate.config.GatewayConfig;
import io.wsgate.provider.local.LocalProvider;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local provider picks a free port and the workspace binds it seconds later. Whatever happens in between, a
 * student is never routed to a port someone else answers on: not when the kernel hands the same port to two
 * launches (seen in the load test, one student got another's workspace), not when another program takes it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LocalPortGuardTest {

  @TempDir
  Path tmp;
  final Vertx vertx = Vertx.vertx();
  final RedisFixture redis = RedisFixture.start();
  /** Ports the provider is offered, in order; the kernel's free ports once these run out. */
  final Queue<Integer> offered = new ConcurrentLinkedQueue<>();
  Gateway gateway;

  @AfterEach
  void stop() {
    try {
      if (gateway != null) {
        gateway.stop(true).await();
      }
    } finally {
      vertx.close().await();
      redis.close();
    }
  }

  private Http start(GatewayConfig config) {
    LocalProvider provider = new LocalProvider(vertx, config, () -> {
      Integer next = offered.poll();
      return next != null ? next : LocalProvider.KERNEL_PORTS.next();
    });
    gateway = Gateway.start(vertx, config, redis.url(), Gateway.Dependencies.defaults().withProvider(provider)).await();
    return new Http(vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false)),
        gateway.port());
  }

  @Test
  void twoLaunchesOfferedTheSamePortEachGetTheirOwn() throws Exception {
    int port = LocalProvider.KERNEL_PORTS.next();
    offered.addAll(List.of(port, port));
    Http http = start(TestConfigs.backendProcess(tmp, ""));
    assertThat(http.get("ws-first.localhost", "/whoami").await(120, TimeUnit.SECONDS).text()).isEqualTo("first");
    assertThat(http.get("ws-second.localhost", "/whoami").await(120, TimeUnit.SECONDS).text()).isEqualTo("second");
    assertThat(http.get("ws-first.localhost", "/whoami").await(60, TimeUnit.SECONDS).text()).isEqualTo("first");
  }

  @Test
  void aPortAnotherProgramAnswersOnIsNeverRouted() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer other = vertx.createHttpServer().requestHandler(req -> {
      seen.add(req.path());
      req.response().end("someone else");
    }).listen(0, "127.0.0.1").await();
    offered.add(other.actualPort());
    // a workspace that never gets to listen: only the other program can answer the readiness probe
    Http http = start(TestConfigs.of(tmp, "WSGATE_PROFILES", "test", "WSGATE_DEFAULT_PROFILE", "test",
        "WSGATE_PROFILE_TEST_COMMAND", "sleep 600", "WSGATE_PROFILE_TEST_READINESS_PATH", "/healthz"));

    Http.Response r = http.get("ws-victim.localhost", "/whoami").await(120, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.text()).doesNotContain("someone else").contains("another program listens there");
    assertThat(seen).isNotEmpty().containsOnly("/healthz");
  }
}
