package io.wsgate.proxy;

import io.wsgate.auth.KeyRing;
import io.wsgate.auth.LoginTokens;
import io.wsgate.workspace.WorkspaceId;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@link GatewayFixture} with auth on and known keys, plus the LMS's side: minting tokens, signing in. */
final class AuthFixture implements AutoCloseable {

  static final String KEYS = "k1:first-secret-for-tests-0123456789abcdef,k2:second-secret-for-tests-0123456789abcdef";

  final GatewayFixture f;
  final LoginTokens tokens;
  final LoginTokens secondKeyTokens;

  AuthFixture(Path tmp, String... settings) {
    f = new GatewayFixture(tmp, with(settings));
    KeyRing ring = KeyRing.parse(KEYS, new ArrayList<>());
    tokens = new LoginTokens(f.vertx, ring, Duration.ofMinutes(5), Duration.ofSeconds(30));
    KeyRing second = KeyRing.parse(KEYS.substring(KEYS.indexOf(',') + 1), new ArrayList<>());
    secondKeyTokens = new LoginTokens(f.vertx, second, Duration.ofMinutes(5), Duration.ofSeconds(30));
  }

  /** Settings for auth on with {@link #KEYS}, then {@code settings} (which may override them). */
  static String[] with(String... settings) {
    List<String> all = new ArrayList<>(List.of("WSGATE_AUTH", "on", "WSGATE_AUTH_KEYS", KEYS));
    all.addAll(List.of(settings));
    return all.toArray(String[]::new);
  }

  String token(String workspace, String user) {
    return tokens.mint(user, new WorkspaceId(workspace), Optional.empty(), Duration.ofSeconds(60),
        System.currentTimeMillis());
  }

  /** Signs {@code user} in to {@code workspace} on {@code http} and returns the session cookie ("name=value"). */
  static String login(Http http, String host, String token) {
    Http.Response r = http.get(host, "/?wsgate_token=" + token).await();
    assertThat(r.status()).as("login response").isEqualTo(302);
    String setCookie = r.headers().get("set-cookie");
    assertThat(setCookie).startsWith("wsgate_session=");
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  String login(String workspace, String user) {
    return login(f.http, f.host(workspace), token(workspace, user));
  }

  @Override
  public void close() {
    f.close();
  }
}
