package io.wsgate.proxy;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.testing.Eventually;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workspace that stalls (SIGSTOP, as a machine does under a student's heavy build) is busy, not dead: requests
 * time out while it stalls, but the verdict over the whole unhealthy window keeps its route, its process and its
 * WebSockets, and it serves again when it resumes.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BusyWorkspaceTest extends ProcessGatewayTest {


  @Test
  void stalledWorkspaceKeepsItsRouteAndSockets() throws Exception {
    Gateway gw = env.start(TestConfigs.backendProcess(tmp, "", "WSGATE_UNHEALTHY_WINDOW", "2s",
        "WSGATE_UPSTREAM_RESPONSE_TIMEOUT", "1s"));
    Http http = env.http(gw);
    assertThat(http.get("ws-busy.localhost", "/echo").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);
    ProvisionedWorkspace pw = gw.provider().list().await().get(0);
    long pid = env.pid(pw.ref());
    BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
    WebSocket ws = socket(gw, echoes);
    ws.writeTextMessage("before");
    assertThat(echoes.poll(60, TimeUnit.SECONDS)).isEqualTo("before");

    signal("STOP", pid);
    try {
      Http.Response stalled = http.get("ws-busy.localhost", "/echo").await(60, TimeUnit.SECONDS);
      assertThat(stalled.status()).as("a request to the stalled workspace times out").isEqualTo(504);
      ws.writeTextMessage("during"); // queued in the kernel while the process stalls
      Route route = gw.store().read(new WorkspaceId("busy")).await().orElseThrow().route().orElseThrow();
      // the verdict the 504 started (joined here) probes over the whole window and finds it silent, not refused
      assertThat(gw.launcher().health().suspect(route, "test").await()).as("dropped").isFalse();
    } finally {
      signal("CONT", pid);
    }

    assertThat(echoes.poll(60, TimeUnit.SECONDS)).as("the socket carried on").isEqualTo("during");
    assertThat(http.get("ws-busy.localhost", "/echo").await(60, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(env.starts("busy")).as("never restarted").isEqualTo(1);
    assertThat(gw.provider().list().await()).extracting(ProvisionedWorkspace::ref).containsExactly(pw.ref());
    ws.close().await();
  }

  private WebSocket socket(Gateway gw, BlockingQueue<String> echoes) {
    WebSocketClient client = env.vertx.createWebSocketClient();
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gw.port())
        .setURI("/ws").addHeader("host", "ws-busy.localhost:" + gw.port())
        .addHeader("origin", "http://ws-busy.localhost:" + gw.port())).await();
    ws.frameHandler(f -> {
      if (f.type() == WebSocketFrameType.TEXT) {
        echoes.add(f.textData());
      }
    });
    return ws;
  }

  /** Sends SIGSTOP or SIGCONT and waits until the kernel shows the process stopped, or no longer stopped. */
  private void signal(String name, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s %s", name, pid).isZero();
    boolean stop = name.equals("STOP");
    Eventually.await(env.vertx, Duration.ofSeconds(30), "process " + pid + (stop ? " stopped" : " running"),
        () -> stop == stateOf(pid).startsWith("T"));
  }

  /** The process state letter and what follows it in {@code /proc/<pid>/stat} (T: stopped by a signal). */
  private static String stateOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2);
    } catch (IOException e) {
      return "gone";
    }
  }
}
