package io.wsgate.proxy;

import io.vertx.core.http.HttpClientOptions;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A login token is accepted once across replicas: replayed on a second gateway it opens nothing. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TokenReplayTest {

  @TempDir
  Path tmp;

  @Test
  void replayOnAnotherReplicaIsRefused() {
    try (AuthFixture a = new AuthFixture(tmp)) {
      Gateway second = a.f.start(TestConfigs.of(tmp.resolve("b"), AuthFixture.with()), a.f.provider);
      Http httpB = new Http(a.f.vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)), second.port());
      String token = a.token("replay", "alice");
      String session = AuthFixture.login(a.f.http, a.f.host("replay"), token);
      int before = a.f.backend.requests();
      Http.Response replay = httpB.get(a.f.host("replay"), "/?wsgate_token=" + token).await();
      assertThat(replay.status()).isEqualTo(401);
      assertThat(replay.headers().get("set-cookie")).isNull();
      assertThat(a.f.backend.requests()).isEqualTo(before);
      // and replayed on the same replica
      assertThat(a.f.http.get(a.f.host("replay"), "/?wsgate_token=" + token).await().status()).isEqualTo(401);
      // while the session itself works on either replica (stateless cookie, shared keys)
      assertThat(httpB.get(a.f.host("replay"), "/echo", "cookie", session).await().status()).isEqualTo(200);
      second.stop(false).await();
    }
  }
}
