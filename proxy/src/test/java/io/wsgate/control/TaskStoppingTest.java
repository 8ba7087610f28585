package io.wsgate.control;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wsgate.proxy.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On ECS the load balancer drains a stopping task before SIGTERM and then cuts whatever is still open. A replica
 * that reads {@code DesiredStatus: STOPPED} from its task metadata drains at once, without any signal: the control
 * lease goes to the other replica, its WebSockets close with 1001 spread over the window, and it keeps answering
 * HTTP on the connections the load balancer still drains. A metadata endpoint that says RUNNING changes nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TaskStoppingTest extends FleetTest {

  private static final int SOCKETS = 40;

  @Test
  void replicaDrainsWhenEcsMarksItsTaskToStop() throws Exception {
    AtomicReference<String> desired = new AtomicReference<>("RUNNING");
    List<String> asked = Collections.synchronizedList(new ArrayList<>());
    HttpServer metadata = f.vertx.createHttpServer().requestHandler(req -> {
      asked.add(req.path());
      req.response().putHeader("content-type", "application/json")
          .end("{\"Cluster\":\"wsgate\",\"DesiredStatus\":\"" + desired.get() + "\",\"KnownStatus\":\"RUNNING\"}");
    }).listen(0, "127.0.0.1").await();
    try {
      Gateway a = f.start(f.config("WSGATE_DRAIN_WINDOW", "1s",
          "WSGATE_TASK_METADATA_URI", "http://127.0.0.1:" + metadata.actualPort() + "/v4/task-a"));
      Gateway b = f.start(f.config("WSGATE_STATE_DIR", tmp.resolve("b").toString()));
      if (!a.control().tick().await().leader()) {
        b.stop(false).await(); // make A the leader, then bring B back as the follower
        assertThat(a.control().tick().await().leader()).isTrue();
        b = f.start(f.config("WSGATE_STATE_DIR", tmp.resolve("b2").toString()));
      }
      WebSocketClient client = f.vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(SOCKETS));
      List<Future<WebSocket>> opening = new ArrayList<>();
      for (int i = 0; i < SOCKETS; i++) {
        opening.add(connect(client, a, i % 4));
      }
      Future.all(opening).await();
      List<Short> codes = Collections.synchronizedList(new ArrayList<>());
      Promise<Void> allClosed = Promise.promise();
      for (Future<WebSocket> o : opening) {
        WebSocket ws = o.result();
        ws.closeHandler(v -> {
          codes.add(ws.closeStatusCode());
          if (codes.size() == SOCKETS) {
            allClosed.tryComplete();
          }
        });
      }
      // RUNNING: nothing happens (two reads of the endpoint, and every socket still open)
      io.wsgate.testing.Eventually.await(f.vertx, java.time.Duration.ofSeconds(30), "the metadata read twice",
          () -> asked.size() >= 2);
      assertThat(asked).allMatch(p -> p.equals("/v4/task-a/task"));
      assertThat(codes).as("closed while RUNNING").isEmpty();

      desired.set("STOPPED");
      allClosed.future().await(60, TimeUnit.SECONDS);
      assertThat(codes).as("close codes").hasSize(SOCKETS).containsOnly((short) 1001);
      assertThat(b.control().tick().await().leader()).as("the other replica leads").isTrue();
      assertThat(f.http(a).get("ws-stop0.localhost", "/echo").await().status())
          .as("HTTP still served while the load balancer drains").isEqualTo(200);
    } finally {
      metadata.close().await();
    }
  }

  private Future<WebSocket> connect(WebSocketClient client, Gateway g, int workspace) {
    String host = "ws-stop" + workspace + ".localhost:" + g.port();
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(g.port()).setURI("/ws")
        .setTimeout(60_000).addHeader("host", host).addHeader("origin", "http://" + host));
  }
}
