package io.wsgate.demo;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.wsgate.auth.AssignSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A demo pool member refuses every assign request the gateway did not sign for it with 401, and stays unassigned:
 * unsigned, signed with another secret, too old, replayed with another body, or sent to a member started without
 * a secret. Only then does the gateway's own request take it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoForgedAssignTest {

  static final String SECRET = "member-secret-for-this-test-only";

  @TempDir
  Path dir;
  final Vertx vertx = Vertx.vertx();
  HttpClient client;
  Buffer bob;

  @BeforeEach
  void client() {
    client = vertx.createHttpClient();
    bob = new JsonObject().put("workspace", "bob").put("dataDir", dir.resolve("bob").toString()).toBuffer();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void unsignedAssignIsRefused() {
    int port = member(SECRET);
    DemoServers.Reply r = DemoServers.send(client, port, HttpMethod.POST, "/wsgate/assign", bob).await();
    assertThat(r.status()).isEqualTo(401);
    assertUnassigned(port);
  }

  @Test
  void assignSignedWithAnotherSecretIsRefused() {
    int port = member(SECRET);
    assertThat(DemoServers.assign(client, port, "a-secret-the-attacker-made-up-32", bob).await().status())
        .isEqualTo(401);
    assertUnassigned(port);
  }

  @Test
  void staleAssignIsRefused() {
    int port = member(SECRET);
    long old = System.currentTimeMillis() / 1000 - AssignSignature.WINDOW_SECONDS - 5;
    assertThat(DemoServers.assign(client, port, SECRET, old, bob, bob).await().status()).isEqualTo(401);
    assertUnassigned(port);
  }

  @Test
  void signatureOfAnotherBodyIsRefused() {
    int port = member(SECRET);
    Buffer alice = new JsonObject().put("workspace", "alice").put("dataDir", dir.resolve("alice").toString())
        .toBuffer();
    long now = System.currentTimeMillis() / 1000;
    assertThat(DemoServers.assign(client, port, SECRET, now, alice, bob).await().status()).isEqualTo(401);
    assertUnassigned(port);
  }

  @Test
  void memberWithoutSecretTakesNoAssignment() {
    int port = member(null);
    assertThat(DemoServers.assign(client, port, SECRET, bob).await().status()).isEqualTo(401);
    assertUnassigned(port);
  }

  @Test
  void afterForgeriesTheGatewaysAssignStillTakes() throws Exception {
    int port = member(SECRET);
    assertThat(DemoServers.send(client, port, HttpMethod.POST, "/wsgate/assign", bob).await().status()).isEqualTo(401);
    Path alice = dir.resolve("alice");
    Buffer body = new JsonObject().put("workspace", "alice").put("dataDir", alice.toString()).toBuffer();
    assertThat(DemoServers.assign(client, port, SECRET, body).await().status()).isEqualTo(200);
    assertThat(info(port).getString("id")).isEqualTo("alice");
    assertThat(Files.isDirectory(alice)).isTrue();
  }

  private int member(String secret) {
    return DemoServers.start(vertx, "pool-0123", dir.resolve("scratch"), secret).await().actualPort();
  }

  private void assertUnassigned(int port) {
    JsonObject info = info(port);
    assertThat(info.getString("id")).isEqualTo("pool-0123");
    assertThat(info.getString("dir")).isEqualTo(dir.resolve("scratch").toString());
    assertThat(Files.exists(dir.resolve("bob"))).as("bob's directory was not created").isFalse();
  }

  private JsonObject info(int port) {
    return new JsonObject(DemoServers.send(client, port, HttpMethod.GET, "/api/info", null).await().text());
  }
}
