package io.wsgate.control;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.wsgate.auth.AssignSignature;
import io.wsgate.proxy.Gateway;
import io.wsgate.proxy.Http;
import io.wsgate.store.FleetStore;
import io.wsgate.store.PoolMember;
import io.wsgate.testing.Eventually;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A warm pool member (the workspace agent serving the demo, a process started by the local provider) takes an assignment only
 * from the gateway: a forged assign sent straight to the member gets 401, one sent through the gateway never
 * reaches it, and neither changes which workspace it serves; the gateway's own signed assign still takes it.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ForgedAssignTest {

  @TempDir
  Path tmp;
  final Vertx vertx = Vertx.vertx();
  final RedisFixture redis = RedisFixture.start();
  Gateway gateway;
  HttpClient direct;
  Http http;
  PoolMember member;

  @BeforeEach
  void warmMember() {
    gateway = Gateway.start(vertx, TestConfigs.of(tmp, "WSGATE_PROFILE_DEMO_POOL_SCHEDULE", "* 1",
        "WSGATE_PROFILE_DEMO_ASSIGN_PATH", "/wsgate/assign", "WSGATE_PROFILE_DEMO_READINESS_PATH", "/healthz",
        "WSGATE_CONTROL_INTERVAL", "1h", "WSGATE_ACTIVITY_FLUSH_INTERVAL", "1h"), redis.url(),
        Gateway.Dependencies.defaults()).await();
    Eventually.await(vertx, Duration.ofSeconds(120), "one warm member ready",
        () -> gateway.control().tick().await().pool().profiles().get("demo").ready() == 1);
    List<PoolMember> ready = new FleetStore(gateway.store()).ready("demo").await();
    assertThat(ready).hasSize(1);
    member = ready.get(0);
    direct = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    http = new Http(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), gateway.port());
  }

  @AfterEach
  void stop() {
    try {
      gateway.stop(true).await();
    } finally {
      vertx.close().await();
      redis.close();
    }
  }

  @Test
  void forgedAssignStraightToTheMemberIsRefused() throws Exception {
    Path bobData = tmp.resolve("stolen/bob");
    Buffer steal = new JsonObject().put("workspace", "bob").put("dataDir", bobData.toString()).toBuffer();
    long now = System.currentTimeMillis() / 1000;

    assertThat(toMember(steal, null).status()).as("unsigned").isEqualTo(401);
    String forged = "v1=" + AssignSignature.sign("a-secret-the-attacker-made-up-32", "POST", "/wsgate/assign", now,
        steal.getBytes());
    assertThat(toMember(steal, forged).status()).as("signed with a made-up secret").isEqualTo(401);
    assertThat(readiness()).as("still warm, unassigned").isEqualTo("200 warm");
    assertThat(Files.exists(bobData)).isFalse();

    // the gateway's own assign (its secret reached the process through the environment) still takes the member
    Http.Response alice = http.get("ws-alice.localhost", "/api/info").await();
    assertThat(alice.status()).isEqualTo(200);
    assertThat(new JsonObject(alice.text()).getString("id")).isEqualTo("alice");
    assertThat(info().getString("id")).as("the warm member serves alice").isEqualTo("alice");
  }

  @Test
  void forgedAssignThroughTheGatewayNeverReachesTheMember() {
    assertThat(http.get("ws-alice.localhost", "/api/info").await().status()).isEqualTo(200);
    assertThat(info().getString("id")).as("the warm member serves alice").isEqualTo("alice");
    Buffer steal = new JsonObject().put("workspace", "bob").put("dataDir", tmp.resolve("bob").toString()).toBuffer();
    for (String path : List.of("/wsgate/assign", "/wsgate/assign;a=b", "/wsgate;x/assign", "/%77sgate/assign")) {
      Http.Response r = http.send(HttpMethod.POST, "ws-alice.localhost", path, steal,
          "content-type", "application/json").await();
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.text()).as(path).contains("reserved for the gateway");
    }
    assertThat(info().getString("id")).isEqualTo("alice");
    assertThat(info().getString("dir")).endsWith("alice");
  }

  private DirectReply toMember(Buffer body, String signature) {
    long now = System.currentTimeMillis() / 1000;
    return direct.request(HttpMethod.POST, member.endpoint().port(), member.endpoint().host(), "/wsgate/assign")
        .compose(req -> {
          req.putHeader("content-type", "application/json");
          if (signature != null) {
            req.putHeader(AssignSignature.TIMESTAMP_HEADER, Long.toString(now))
                .putHeader(AssignSignature.SIGNATURE_HEADER, signature);
          }
          return req.send(body).compose(res -> res.body().map(b -> new DirectReply(res.statusCode(), b.toString())));
        }).await();
  }

  /** The member's answer on its readiness path: {@code 200 warm} while it waits for an assignment. */
  private String readiness() {
    return direct.request(HttpMethod.GET, member.endpoint().port(), member.endpoint().host(), "/healthz")
        .compose(req -> req.send().compose(res -> res.body().map(b -> res.statusCode() + " " + b))).await();
  }

  private JsonObject info() {
    return new JsonObject(direct.request(HttpMethod.GET, member.endpoint().port(), member.endpoint().host(),
        "/api/info").compose(req -> req.send().compose(res -> res.body())).await());
  }

  private record DirectReply(int status, String text) {
  }
}
