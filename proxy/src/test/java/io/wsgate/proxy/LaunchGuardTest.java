package io.wsgate.proxy;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Launch guards, counted in Redis across replicas: a user's concurrent launches, a user's launches per minute,
 * and all launches at once; over a limit the answer is 429 with Retry-After and nothing is launched.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LaunchGuardTest {

  @TempDir
  Path tmp;

  @Test
  void perUserConcurrentLaunchLimit() throws Exception {
    try (AuthFixture a = new AuthFixture(tmp, "WSGATE_USER_CONCURRENT_LAUNCHES", "2")) {
      GatedProvider gated = new GatedProvider(new Endpoint("127.0.0.1", a.f.backend.actualPort()));
      Gateway gw = a.f.start(TestConfigs.of(tmp.resolve("g"), AuthFixture.with("WSGATE_USER_CONCURRENT_LAUNCHES", "2")),
          gated);
      Http http = new Http(a.f.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), gw.port());
      String s1 = AuthFixture.login(http, a.f.host("c1"), a.token("c1", "alice"));
      String s2 = AuthFixture.login(http, a.f.host("c2"), a.token("c2", "alice"));
      String s3 = AuthFixture.login(http, a.f.host("c3"), a.token("c3", "alice"));
      Future<Http.Response> r1 = http.get(a.f.host("c1"), "/echo", "cookie", s1);
      Future<Http.Response> r2 = http.get(a.f.host("c2"), "/echo", "cookie", s2);
      gated.launched(2).await(60, TimeUnit.SECONDS);
      Http.Response third = http.get(a.f.host("c3"), "/echo", "cookie", s3).await();
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.headers().get("retry-after")).isNotNull();
      assertThat(third.text()).contains("already have 2 workspace(s) starting");
      gated.open();
      assertThat(r1.await(60, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(r2.await(60, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(gated.launches()).isEqualTo(2);
      // once those are up, the third may start
      assertThat(http.get(a.f.host("c3"), "/echo", "cookie", s3).await().status()).isEqualTo(200);
      gw.stop(false).await();
    }
  }

  @Test
  void perUserLaunchRateIsSharedByReplicas() {
    try (AuthFixture a = new AuthFixture(tmp, "WSGATE_USER_LAUNCH_RATE", "3")) {
      Gateway second = a.f.start(TestConfigs.of(tmp.resolve("b"), AuthFixture.with("WSGATE_USER_LAUNCH_RATE", "3")),
          a.f.provider);
      Http httpB = new Http(a.f.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), second.port());
      Http[] replicas = {a.f.http, httpB};
      for (int i = 0; i < 3; i++) {
        String s = a.login("rate" + i, "alice");
        assertThat(replicas[i % 2].get(a.f.host("rate" + i), "/echo", "cookie", s).await().status()).isEqualTo(200);
      }
      String s = a.login("rate3", "alice");
      Http.Response fourth = httpB.get(a.f.host("rate3"), "/echo", "cookie", s).await();
      assertThat(fourth.status()).isEqualTo(429);
      assertThat(Long.parseLong(fourth.headers().get("retry-after"))).isBetween(1L, 60L);
      assertThat(a.f.provider.launches()).isEqualTo(3);
      // another user is not affected, and the first user's running workspaces still serve
      String bob = a.login("bobs", "bob");
      assertThat(a.f.http.get(a.f.host("bobs"), "/echo", "cookie", bob).await().status()).isEqualTo(200);
      second.stop(false).await();
    }
  }

  @Test
  void globalConcurrentLaunchLimit() throws Exception {
    String[] limits = {"WSGATE_GLOBAL_CONCURRENT_LAUNCHES", "2"};
    try (AuthFixture a = new AuthFixture(tmp, limits)) {
      GatedProvider gated = new GatedProvider(new Endpoint("127.0.0.1", a.f.backend.actualPort()));
      Gateway gw = a.f.start(TestConfigs.of(tmp.resolve("g"), AuthFixture.with(limits)), gated);
      Http http = new Http(a.f.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), gw.port());
      String[] users = {"u1", "u2", "u3"};
      String[] sessions = new String[3];
      for (int i = 0; i < 3; i++) {
        sessions[i] = AuthFixture.login(http, a.f.host("g" + i), a.token("g" + i, users[i]));
      }
      Future<Http.Response> r0 = http.get(a.f.host("g0"), "/echo", "cookie", sessions[0]);
      Future<Http.Response> r1 = http.get(a.f.host("g1"), "/echo", "cookie", sessions[1]);
      gated.launched(2).await(60, TimeUnit.SECONDS);
      Http.Response third = http.get(a.f.host("g2"), "/echo", "cookie", sessions[2]).await();
      assertThat(third.status()).isEqualTo(429);
      assertThat(third.headers().get("retry-after")).isEqualTo("5");
      gated.open();
      assertThat(r0.await(60, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(r1.await(60, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(gated.launches()).isEqualTo(2);
      gw.stop(false).await();
    }
  }
}
