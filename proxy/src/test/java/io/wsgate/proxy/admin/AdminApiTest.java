package io.wsgate.proxy.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wsgate.proxy.Http;
import io.wsgate.proxy.MetricsGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static io.wsgate.proxy.MetricsGateway.host;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin token guards everything but /healthz; the JSON API and status page show real launches. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminApiTest {

  static final String TOKEN = "s3cret-admin";
  static final String BEARER = "Bearer " + TOKEN;

  @TempDir
  static Path tmp;
  static MetricsGateway g;

  @BeforeAll
  static void start() {
    g = new MetricsGateway(tmp, "WSGATE_ADMIN_TOKEN", TOKEN);
    assertThat(g.http.get(host("api1"), "/echo").await().status()).isEqualTo(200);
    assertThat(g.http.get(host("badapi"), "/echo").await().status()).isEqualTo(503);
  }

  @AfterAll
  static void stop() {
    g.close();
  }

  private static Http.Response admin(String path, String... headers) {
    return g.admin.get("127.0.0.1", path, headers).await();
  }

  @Test
  void tokenRequiredExceptOnHealthz() {
    assertThat(admin("/healthz").status()).isEqualTo(200);
    for (String path : new String[] {"/metrics", "/readyz", "/api/workspaces", "/api/launches", "/status"}) {
      assertThat(admin(path).status()).as(path).isEqualTo(401);
      assertThat(admin(path, "authorization", "Bearer wrong").status()).as(path).isEqualTo(401);
      assertThat(admin(path, "authorization", BEARER).status()).as(path).isEqualTo(200);
    }
    assertThat(admin("/status").headers().get("www-authenticate")).startsWith("Basic");
    String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    assertThat(admin("/status", "authorization", basic).status()).isEqualTo(200);
  }

  @Test
  void workspacesApiShowsTheLaunchedWorkspace() {
    JsonArray list = new JsonObject(admin("/api/workspaces", "authorization", BEARER).body())
        .getJsonArray("workspaces");
    assertThat(list).hasSize(1);
    JsonObject ws = list.getJsonObject(0);
    assertThat(ws.getString("id")).isEqualTo("api1");
    assertThat(ws.getString("state")).isEqualTo("running");
    assertThat(ws.getString("profile")).isEqualTo("demo");
    assertThat(ws.getString("endpoint")).startsWith("127.0.0.1:");
    assertThat(ws.getString("source")).isEqualTo("cold");
    assertThat(ws.getLong("launchMs")).isNotNegative();
    assertThat(ws.getLong("idleForMs")).isNotNegative();
    // the launch itself counts as the first activity, so "why is this running?" always has an answer
    assertThat(ws.getLong("lastActivityMillis")).isPositive();
    assertThat(ws.getString("activityReason")).isEqualTo("launched (cold)");
  }

  @Test
  void launchesApiListsSuccessAndFailure() {
    JsonArray launches = new JsonObject(admin("/api/launches", "authorization", BEARER).body())
        .getJsonArray("launches");
    assertThat(launches).hasSize(2);
    JsonObject failed = launches.getJsonObject(0); // newest first
    assertThat(failed.getString("workspace")).isEqualTo("badapi");
    assertThat(failed.getString("outcome")).isEqualTo("failed");
    assertThat(failed.getString("reason")).isEqualTo("provider_error");
    JsonObject ok = launches.getJsonObject(1);
    assertThat(ok.getString("outcome")).isEqualTo("ok");
    assertThat(ok.getJsonObject("phasesMs").fieldNames()).containsExactly("claim", "provider_start", "readiness");
  }

  @Test
  void statusPageAndItsApi() {
    assertThat(admin("/status", "authorization", BEARER).text()).contains("wsgate fleet", "api/status")
        .doesNotContain("<script src", "<link", "https://"); // self-contained: no CDN
    JsonObject status = new JsonObject(admin("/api/status", "authorization", BEARER).body());
    assertThat(status.getBoolean("ready")).isTrue();
    assertThat(status.getJsonArray("pools").getJsonObject(0).getString("profile")).isEqualTo("demo");
    assertThat(status.getJsonArray("workspaces")).hasSize(1);
    assertThat(status.getJsonArray("launches")).hasSize(2);
  }
}
