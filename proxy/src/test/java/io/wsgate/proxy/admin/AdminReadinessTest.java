package io.wsgate.proxy.admin;

import io.wsgate.proxy.Http;
import io.wsgate.proxy.MetricsGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** /readyz says 503 with the reason while Redis is down and 200 again once it is back; /healthz stays 200. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminReadinessTest {

  @TempDir
  Path tmp;
  MetricsGateway g;

  @AfterEach
  void stop() {
    g.close();
  }

  private Http.Response awaitReadyz(int status) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Http.Response r = g.admin.get("127.0.0.1", "/readyz").await();
    while (r.status() != status && System.nanoTime() < deadline) {
      g.vertx.timer(100).await();
      r = g.admin.get("127.0.0.1", "/readyz").await();
    }
    assertThat(r.status()).as("/readyz: " + r.text()).isEqualTo(status);
    return r;
  }

  @Test
  void readyzFollowsRedis() throws Exception {
    g = new MetricsGateway(tmp, "WSGATE_REDIS_TIMEOUT", "500ms");
    assertThat(awaitReadyz(200).text()).isEqualTo("ready\n");

    g.redis.server().stop();
    assertThat(awaitReadyz(503).text()).startsWith("redis unreachable");
    assertThat(g.admin.get("127.0.0.1", "/healthz").await().status()).isEqualTo(200);

    g.redis.server().restart();
    awaitReadyz(200);
  }
}
