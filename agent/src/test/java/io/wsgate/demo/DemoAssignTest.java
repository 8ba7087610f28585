package io.wsgate.demo;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A warm pool member of the demo takes its workspace once, through the assign hook, and serves it from then on. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoAssignTest {

  static final String SECRET = "member-secret-for-this-test-only";

  @TempDir
  Path dir;
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void poolMemberIsAssignedOnce() throws Exception {
    HttpClient client = vertx.createHttpClient();
    int port = DemoServers.start(vertx, "pool-0123", dir.resolve("scratch"), SECRET).await().actualPort();
    Path alice = dir.resolve("data/alice");
    Buffer body = new JsonObject().put("workspace", "alice").put("dataDir", alice.toString()).toBuffer();

    assertThat(DemoServers.assign(client, port, SECRET, body).await().status()).isEqualTo(200);
    JsonObject info = new JsonObject(DemoServers.send(client, port, HttpMethod.GET, "/api/info", null).await().text());
    assertThat(info.getString("id")).isEqualTo("alice");
    assertThat(info.getString("dir")).isEqualTo(alice.toString());
    assertThat(DemoServers.send(client, port, HttpMethod.PUT, "/api/note", Buffer.buffer("hi")).await().status())
        .isEqualTo(200);
    assertThat(Files.readString(alice.resolve("note.txt"))).isEqualTo("hi");

    Buffer steal = new JsonObject().put("workspace", "mallory").put("dataDir", "/tmp/m").toBuffer();
    assertThat(DemoServers.assign(client, port, SECRET, steal).await().status()).isEqualTo(409);
  }
}
