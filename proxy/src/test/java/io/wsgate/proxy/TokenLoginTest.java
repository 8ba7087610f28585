package io.wsgate.proxy;

import io.vertx.core.json.JsonObject;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An LMS token becomes a session cookie for that workspace host only; the session opens that workspace and no
 * other; the workspace never sees wsgate's credentials; bad, foreign or stolen tokens open nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TokenLoginTest {

  @TempDir
  static Path tmp;
  static AuthFixture a;
  static GatewayFixture f;

  @BeforeAll
  static void start() {
    a = new AuthFixture(tmp);
    f = a.f;
  }

  @AfterAll
  static void stop() {
    a.close();
  }

  @Test
  void loginSetsHostOnlySessionCookieAndRedirectsWithoutTheToken() {
    int before = f.backend.requests();
    Http.Response r = f.http.get(f.host("login"), "/some/page?a=1&wsgate_token=" + a.token("login", "alice") + "&b=2")
        .await();
    assertThat(r.status()).isEqualTo(302);
    assertThat(r.headers().get("location")).isEqualTo("/some/page?a=1&b=2");
    String cookie = r.headers().get("set-cookie");
    assertThat(cookie).startsWith("wsgate_session=").contains("; Path=/", "; SameSite=Lax", "Max-Age=")
        .containsIgnoringCase("; HttpOnly")
        .doesNotContainIgnoringCase("domain").doesNotContain("Secure"); // http here; https public URLs add Secure
    assertThat(f.backend.requests()).isEqualTo(before);
  }

  @Test
  void sessionOpensTheWorkspaceWhichNeverSeesWsgateCredentials() {
    String session = a.login("creds", "alice");
    Http.Response r = f.http.get(f.host("creds"), "/echo?x=1&wsgate_token=stray", "cookie",
        "theme=dark; " + session + "; lang=en").await();
    // a token on a request is always a login attempt: this stray one is refused, and never forwarded
    assertThat(r.status()).isEqualTo(401);
    r = f.http.get(f.host("creds"), "/echo?x=1", "cookie", "theme=dark; " + session + "; lang=en").await();
    assertThat(r.status()).isEqualTo(200);
    JsonObject echo = new JsonObject(r.body());
    assertThat(echo.getString("uri")).isEqualTo("/echo?x=1");
    assertThat(echo.getJsonObject("headers").getString("cookie")).isEqualTo("theme=dark; lang=en");
    r = f.http.get(f.host("creds"), "/echo", "cookie", session).await();
    assertThat(new JsonObject(r.body()).getJsonObject("headers").fieldNames()).doesNotContain("cookie");
  }

  @Test
  void noSessionGets401AndReachesNothing() {
    int before = f.backend.requests();
    int launches = f.provider.launches();
    Http.Response api = f.http.get(f.host("nosession"), "/echo").await();
    assertThat(api.status()).isEqualTo(401);
    assertThat(api.headers().get("content-type")).isEqualTo("application/problem+json");
    Http.Response page = f.http.get(f.host("nosession"), "/", "accept", "text/html").await();
    assertThat(page.status()).isEqualTo(401);
    assertThat(page.text()).contains("course page");
    Http.Response forged = f.http.get(f.host("nosession"), "/echo", "cookie",
        "wsgate_session=v1.nosession.YWxpY2U..1.99999999999999.azE.AAAA").await();
    assertThat(forged.status()).isEqualTo(401);
    Http.Response status = f.http.get(f.host("nosession"), "/__wsgate/status").await();
    assertThat(status.status()).isEqualTo(401);
    assertThat(f.backend.requests()).isEqualTo(before);
    assertThat(f.provider.launches()).isEqualTo(launches);
  }

  @Test
  void aSessionForOneWorkspaceNeverOpensAnother() {
    String sessionA = a.login("wsa", "alice");
    assertThat(f.http.get(f.host("wsa"), "/echo", "cookie", sessionA).await().status()).isEqualTo(200);
    int before = f.backend.requests();
    assertThat(f.http.get(f.host("wsb"), "/echo", "cookie", sessionA).await().status()).isEqualTo(401);
    // nor does a token minted for ws-a, presented at ws-b
    Http.Response r = f.http.get(f.host("wsb"), "/?wsgate_token=" + a.token("wsa", "alice")).await();
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headers().get("set-cookie")).isNull();
    assertThat(f.backend.requests()).isEqualTo(before);
  }

  @Test
  void statusEndpointNeedsTheSession() {
    String session = a.login("stat", "alice");
    Http.Response r = f.http.get(f.host("stat"), "/__wsgate/status", "cookie", session).await();
    assertThat(r.status()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("state")).isNotNull();
  }

  @Test
  void anotherUsersValidTokenForAnOwnedWorkspaceGets403() {
    String alice = a.login("owned", "alice");
    assertThat(f.http.get(f.host("owned"), "/echo", "cookie", alice).await().status()).isEqualTo(200);
    int before = f.backend.requests();
    Http.Response bob = f.http.get(f.host("owned"), "/?wsgate_token=" + a.token("owned", "bob")).await();
    assertThat(bob.status()).isEqualTo(403);
    assertThat(bob.headers().get("set-cookie")).isNull();
    assertThat(f.backend.requests()).isEqualTo(before);
  }

  @Test
  void badTokensAreRefused() {
    String good = a.token("bad", "alice");
    String[] parts = good.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String forgedPayload = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(payload.replace("\"alice\"", "\"mallory\"").getBytes(StandardCharsets.UTF_8));
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}"
        .getBytes(StandardCharsets.UTF_8));
    String expired = a.tokens.mint("alice", new WorkspaceId("bad"), Optional.empty(), Duration.ofSeconds(1),
        System.currentTimeMillis() - 3_600_000);
    String tooLong = a.tokens.mint("alice", new WorkspaceId("bad"), Optional.empty(), Duration.ofDays(1),
        System.currentTimeMillis());
    String[] bad = {parts[0] + "." + forgedPayload + "." + parts[2], none + "." + parts[1] + ".", none + "." + parts[1],
        parts[0] + "." + parts[1] + ".", expired, tooLong, "garbage", "a.b.c", ""};
    int before = f.backend.requests();
    for (String token : bad) {
      Http.Response r = f.http.get(f.host("bad"), "/?wsgate_token=" + token).await();
      assertThat(r.status()).as(token).isEqualTo(401);
      assertThat(r.headers().get("set-cookie")).as(token).isNull();
    }
    assertThat(f.backend.requests()).isEqualTo(before);
  }

  @Test
  void rotatedKeysStillVerify() {
    String token = a.secondKeyTokens.mint("alice", new WorkspaceId("rotated"), Optional.empty(), Duration.ofSeconds(60),
        System.currentTimeMillis());
    assertThat(AuthFixture.login(f.http, f.host("rotated"), token)).startsWith("wsgate_session=");
  }

  @Test
  void unknownProfileGets400() {
    String token = a.tokens.mint("alice", new WorkspaceId("prof"), Optional.of("nosuch"), Duration.ofSeconds(60),
        System.currentTimeMillis());
    Http.Response r = f.http.get(f.host("prof"), "/?wsgate_token=" + token).await();
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).contains("nosuch");
  }

  @Test
  void unauthenticatedFloodOfRandomIdsLaunchesNothing() {
    int before = f.backend.requests();
    int launches = f.provider.launches();
    for (int i = 0; i < 50; i++) {
      assertThat(f.http.get(f.host("flood" + i), "/echo").await().status()).isEqualTo(401);
    }
    assertThat(f.provider.launches()).isEqualTo(launches);
    assertThat(f.backend.requests()).isEqualTo(before);
  }
}
