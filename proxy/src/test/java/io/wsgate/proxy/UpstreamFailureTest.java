package io.wsgate.proxy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A workspace too slow to answer gives 504 with a clear message; the gateway keeps serving. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UpstreamFailureTest {

  @TempDir
  static Path tmp;
  static GatewayFixture f;

  @BeforeAll
  static void start() {
    f = new GatewayFixture(tmp, "WSGATE_UPSTREAM_RESPONSE_TIMEOUT", "300ms");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void slowWorkspaceGives504() {
    Http.Response r = f.http.get(f.host("slow"), "/slow?ms=5000").await();
    assertThat(r.status()).isEqualTo(504);
    assertThat(new JsonObject(r.body()).getString("title")).isEqualTo("Your workspace took too long to answer");
    Http.Response after = f.http.get(f.host("slow"), "/echo").await();
    assertThat(after.status()).isEqualTo(200);
  }

  @Test
  void slowWorkspaceGivesPageToBrowsers() {
    assertThat(f.http.get(f.host("slowpage"), "/echo").await().status()).isEqualTo(200);
    Http.Response r = f.http.get(f.host("slowpage"), "/slow?ms=5000", "accept", "text/html").await();
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.headers().get("content-type")).startsWith("text/html");
    assertThat(r.text()).contains("did not answer in time");
  }
}
