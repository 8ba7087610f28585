package io.wsgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.wsgate.auth.AssignSignature;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm agent answers its readiness path, refuses every assignment that is not the gateway's or not well formed with
 * a precise 4xx and stays warm, and on the gateway's assignment starts the IDE (the demo, a real child JVM) for that
 * workspace on its own port, answering 200 only once the IDE answers there: the very next request on the port is
 * the IDE's, with no hop through the agent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentWarmAssignTest {

  @TempDir
  Path root;
  final Vertx vertx = Vertx.vertx();
  HttpClient client;
  int port;
  AgentHarness.Running running;

  @BeforeEach
  void warmAgent() throws Exception {
    client = vertx.createHttpClient();
    port = AgentHarness.freePort();
    // isolation off: the demo's classpath lies below /root/.m2, which no workspace user may read (AgentIsolationTest
    // covers the user switch)
    running = AgentHarness.start(vertx, AgentHarness.env(port, "WSGATE_AGENT_IDE", "demo",
        "WSGATE_AGENT_ISOLATION", "off"), UserSwitch.none("test"));
  }

  @AfterEach
  void stop() throws Exception {
    running.agent().stopIde();
    vertx.close().await();
  }

  @Test
  void refusedAssignmentsChangeNothingAndTheGatewaysStartsTheIde() throws Exception {
    assertThat(AgentHarness.get(client, port, "/healthz").await()).isEqualTo(new AgentHarness.Reply(200, "warm"));
    String aliceDir = root.resolve("alice").toString();
    Buffer alice = AgentHarness.body("alice", aliceDir);

    assertThat(AgentHarness.send(client, port, HttpMethod.POST, "/wsgate/assign", alice, Map.of()).await().status())
        .isEqualTo(401);
    assertThat(AgentHarness.assign(client, port, "another-secret-the-attacker-made-up", alice).await().status())
        .isEqualTo(401);
    long stale = System.currentTimeMillis() / 1000 - AssignSignature.WINDOW_SECONDS - 5;
    assertThat(AgentHarness.send(client, port, HttpMethod.POST, "/wsgate/assign", alice, Map.of(
        AssignSignature.TIMESTAMP_HEADER, Long.toString(stale), AssignSignature.SIGNATURE_HEADER,
        "v1=" + AssignSignature.sign(AgentHarness.SECRET, "POST", "/wsgate/assign", stale, alice.getBytes()))).await()
        .status()).isEqualTo(401);
    long now = System.currentTimeMillis() / 1000;
    Buffer bob = AgentHarness.body("bob", root.resolve("bob").toString());
    assertThat(AgentHarness.send(client, port, HttpMethod.POST, "/wsgate/assign", alice, Map.of(
        AssignSignature.TIMESTAMP_HEADER, Long.toString(now), AssignSignature.SIGNATURE_HEADER,
        "v1=" + AssignSignature.sign(AgentHarness.SECRET, "POST", "/wsgate/assign", now, bob.getBytes()))).await()
        .status()).as("the signature of another body").isEqualTo(401);
    assertThat(AgentHarness.get(client, port, "/wsgate/assign").await().status()).isEqualTo(405);
    for (Buffer malformed : List.of(Buffer.buffer("not json"), Buffer.buffer("[1]"),
        new JsonObject().put("workspace", "alice").toBuffer(),
        AgentHarness.body("Alice!", aliceDir),
        AgentHarness.body("alice", root.resolve("bob").toString()),
        AgentHarness.body("alice", "relative/alice"),
        AgentHarness.body("alice", root.resolve("x/../alice").toString()),
        new JsonObject().put("workspace", "alice").put("dataDir", aliceDir).put("extra", 1).toBuffer())) {
      AgentHarness.Reply r = AgentHarness.assign(client, port, AgentHarness.SECRET, malformed).await();
      assertThat(r.status()).as(malformed.toString()).isEqualTo(400);
      assertThat(r.body()).startsWith("bad assignment: ");
    }
    assertThat(AgentHarness.get(client, port, "/healthz").await().body()).isEqualTo("warm");
    assertThat(running.agent().idePid()).isEqualTo(-1);
    assertThat(Files.exists(root.resolve("alice"))).isFalse();

    AgentHarness.Reply ok = AgentHarness.assign(client, port, AgentHarness.SECRET, alice).await();
    assertThat(ok).isEqualTo(new AgentHarness.Reply(200, "serving alice"));
    // the next request on the same port is answered by the IDE itself
    JsonObject info = new JsonObject(AgentHarness.get(client, port, "/api/info").await().body());
    assertThat(info.getString("id")).isEqualTo("alice");
    assertThat(info.getString("dir")).isEqualTo(aliceDir);
    assertThat(info.getLong("pid")).isEqualTo(running.agent().idePid());

    // a second assignment reaches the IDE, never the agent, and changes nothing
    AgentHarness.Reply second = AgentHarness.assign(client, port, AgentHarness.SECRET,
        AgentHarness.body("bob", root.resolve("bob").toString())).await();
    assertThat(second.status()).isBetween(400, 499);
    assertThat(new JsonObject(AgentHarness.get(client, port, "/api/info").await().body()).getString("id"))
        .isEqualTo("alice");
    assertThat(Files.exists(root.resolve("bob"))).isFalse();
  }

  @Test
  void anAgentWithoutASecretTakesNoAssignment() throws Exception {
    int other = AgentHarness.freePort();
    Map<String, String> env = AgentHarness.env(other, "WSGATE_AGENT_IDE", "demo", "WSGATE_AGENT_ISOLATION", "off");
    env.remove(AssignSignature.SECRET_ENV);
    var secretless = AgentHarness.start(vertx, env, UserSwitch.none("test"));

    AgentHarness.Reply r = AgentHarness.assign(client, other, AgentHarness.SECRET,
        AgentHarness.body("alice", root.resolve("alice").toString())).await();

    assertThat(r.status()).isEqualTo(401);
    assertThat(AgentHarness.get(client, other, "/healthz").await()).isEqualTo(new AgentHarness.Reply(200, "warm"));
    assertThat(secretless.agent().idePid()).isEqualTo(-1);
    assertThat(Files.exists(root.resolve("alice"))).isFalse();
  }

  @Test
  void ofTwoAssignmentsAtOnceOneIsTakenAndTheOtherIsRefused() {
    // both connections open before either is sent. The other assignment is refused in one of two ways: with 409 if
    // Vert.x had accepted its connection before the agent stopped listening; reset by the kernel if the connection
    // was still in the listening socket's backlog (the client sees the reset, or a close) when it closed. Either way
    // the gateway's assign hook fails and the other workspace gets nothing.
    var aliceBody = AgentHarness.body("alice", root.resolve("alice").toString());
    var bobBody = AgentHarness.body("bob", root.resolve("bob").toString());
    var aliceReq = client.request(AgentHarness.assignRequest(port, AgentHarness.SECRET, aliceBody));
    var bobReq = client.request(AgentHarness.assignRequest(port, AgentHarness.SECRET, bobBody));
    Future.all(aliceReq, bobReq).await();
    Future<AgentHarness.Reply> a = AgentHarness.send(aliceReq.result(), aliceBody);
    Future<AgentHarness.Reply> b = AgentHarness.send(bobReq.result(), bobBody);
    Future.join(a, b).otherwiseEmpty().await(); // both complete; one may have failed
    List<Future<AgentHarness.Reply>> served = Stream.of(a, b).filter(f -> f.succeeded() && f.result().status() == 200)
        .toList();
    assertThat(served).as("exactly one assignment is taken").hasSize(1);
    Future<AgentHarness.Reply> refused = served.get(0) == a ? b : a;
    if (refused.succeeded()) {
      assertThat(refused.result().status()).isEqualTo(409);
      assertThat(refused.result().body()).isIn("an assignment is in progress", "already serving alice",
          "already serving bob");
    } else {
      assertThat(refused.cause()).isInstanceOfAny(HttpClosedException.class, SocketException.class);
    }
    String taken = served.get(0) == a ? "alice" : "bob";
    String other = taken.equals("alice") ? "bob" : "alice";
    assertThat(served.get(0).result().body()).isEqualTo("serving " + taken);
    assertThat(new JsonObject(AgentHarness.get(client, port, "/api/info").await().body()).getString("id"))
        .isEqualTo(taken);
    assertThat(Files.exists(root.resolve(other))).isFalse();
  }
}
