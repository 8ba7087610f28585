package io.wsgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Started with its workspace, the agent serves it at once on the same path (its start completes when the IDE
 * answers); stopping it stops the IDE and waits, so what the IDE saved is on disk; an IDE that ignores SIGTERM is
 * killed after the grace; an IDE that exits by itself takes the agent with it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentColdStopTest {

  @TempDir
  Path root;
  final Vertx vertx = Vertx.vertx();
  final HttpClient client = vertx.createHttpClient();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void coldStartServesAtOnceAndStopKeepsTheData() throws Exception {
    int port = AgentHarness.freePort();
    Path dir = root.resolve("carol");
    var running = AgentHarness.start(vertx, AgentHarness.env(port, "WSGATE_AGENT_IDE", "demo",
        "WSGATE_AGENT_ISOLATION", "off", "WSGATE_WORKSPACE_ID", "carol", "WSGATE_DATA_DIR", dir.toString()),
        UserSwitch.none("test"));
    assertThat(new JsonObject(AgentHarness.get(client, port, "/api/info").await().body()).getString("id"))
        .isEqualTo("carol");
    assertThat(AgentHarness.send(client, port, HttpMethod.PUT, "/api/note", Buffer.buffer("kept"), Map.of()).await()
        .status()).isEqualTo(200);
    long pid = running.agent().idePid();

    running.agent().stopIde();

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    try (var files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).anyMatch(f -> {
        try {
          return Files.readString(f).equals("kept");
        } catch (Exception e) {
          return false;
        }
      })).isTrue();
    }
    assertThat(running.exitCode()).isNotDone();
  }

  @Test
  void anIdeThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
    int port = AgentHarness.freePort();
    var running = AgentHarness.start(vertx, AgentHarness.env(port, "WSGATE_AGENT_COMMAND",
        "sh -c \"trap '' TERM; exec /usr/bin/python3 -m http.server {port} --bind {host}\"",
        "WSGATE_AGENT_ISOLATION", "off", "WSGATE_AGENT_STOP_GRACE", "300ms",
        "WSGATE_WORKSPACE_ID", "dave", "WSGATE_DATA_DIR", root.resolve("dave").toString()), UserSwitch.none("test"));
    long pid = running.agent().idePid();
    assertThat(AgentHarness.get(client, port, "/").await().status()).isEqualTo(200);

    running.agent().stopIde();

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void anIdeThatExitsTakesTheAgentWithIt() throws Exception {
    int port = AgentHarness.freePort();
    var running = AgentHarness.start(vertx, AgentHarness.env(port, "WSGATE_AGENT_COMMAND", AgentHarness.PYTHON_IDE,
        "WSGATE_AGENT_ISOLATION", "off", "WSGATE_WORKSPACE_ID", "erin", "WSGATE_DATA_DIR",
        root.resolve("erin").toString()), UserSwitch.none("test"));

    ProcessHandle.of(running.agent().idePid()).orElseThrow().destroyForcibly();

    assertThat(running.exitCode().get(30, TimeUnit.SECONDS)).isNotZero();
  }
}
