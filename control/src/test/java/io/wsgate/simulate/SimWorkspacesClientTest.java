package io.wsgate.simulate;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.wsgate.launch.ReadinessProbe;
import io.wsgate.workspace.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's probes of many workspaces, each under its own host name, share kept connections to the server
 * that stands for them all (a connection each cost a fifth of a run's CPU), and still get the server's answer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimWorkspacesClientTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void probesOfManyWorkspaceHostsShareOneConnection() {
    AtomicInteger connections = new AtomicInteger();
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = vertx.createHttpServer()
        .connectionHandler(c -> connections.incrementAndGet())
        .requestHandler(req -> {
          requests.incrementAndGet();
          req.response().end("ok");
        })
        .listen(0, "127.0.0.1").await();
    ReadinessProbe probe = new ReadinessProbe(vertx, new SimWorkspacesClient(vertx));
    Endpoint endpoint = new Endpoint("127.0.0.1", server.actualPort());

    for (int i = 0; i < 20; i++) {
      assertThat(probe.probeOnce(endpoint, "ws-student" + i + ".localhost", "/healthz").await())
          .as("probe %d answered", i).isTrue();
    }

    assertThat(requests.get()).isEqualTo(20);
    // one at a time, each after the last answer: at most one connection in use and one on its way back to the
    // pool when the next request asks (a connection each would be 20)
    assertThat(connections.get()).as("kept connections for all 20 workspace hosts").isBetween(1, 2);
  }
}
