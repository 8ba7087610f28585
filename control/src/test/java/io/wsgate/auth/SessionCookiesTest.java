package io.wsgate.auth;

import io.wsgate.testing.TestTime;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Session cookies are bound to their workspace, expire, slide, survive key rotation and resist tampering. */
class SessionCookiesTest {

  private static final KeyRing RING = KeyRing.parse("new:new-secret-0123456789abcdef0123456789,"
      + "old:old-secret-0123456789abcdef0123456789", new ArrayList<>());
  private static final SessionCookies COOKIES = new SessionCookies(RING, Duration.ofHours(12));
  private static final WorkspaceId A = new WorkspaceId("a");
  private static final long NOW = TestTime.at("2027-01-15T08:00:00Z").toEpochMilli();

  @Test
  void roundTripsForItsOwnWorkspaceOnly() {
    String value = COOKIES.encode(COOKIES.start(A, "alice@uni.edu", "code", NOW));
    Session s = COOKIES.decode(value, A, NOW + 1000).orElseThrow();
    assertThat(s.user()).isEqualTo("alice@uni.edu");
    assertThat(s.profile()).isEqualTo("code");
    assertThat(COOKIES.decode(value, new WorkspaceId("b"), NOW)).isEmpty();
  }

  @Test
  void expiresAndSlides() {
    Session s = COOKIES.start(A, "alice", "", NOW);
    String value = COOKIES.encode(s);
    assertThat(s.wantsRefresh(NOW + Duration.ofHours(5).toMillis())).isFalse();
    assertThat(s.wantsRefresh(NOW + Duration.ofHours(7).toMillis())).isTrue();
    assertThat(COOKIES.decode(value, A, NOW + Duration.ofHours(12).toMillis())).isEmpty();
  }

  @Test
  void aValueVerifiedBeforeStillExpiresAndStaysInItsWorkspace() {
    String value = COOKIES.encode(COOKIES.start(A, "carol", "", NOW));
    assertThat(COOKIES.decode(value, A, NOW)).isPresent();
    assertThat(COOKIES.decode(value, A, NOW + 1)).isPresent();
    assertThat(COOKIES.decode(value, new WorkspaceId("b"), NOW + 2)).isEmpty();
    assertThat(COOKIES.decode(value, A, NOW + Duration.ofHours(12).toMillis())).isEmpty();
  }

  @Test
  void everyTamperingIsRefused() {
    String value = COOKIES.encode(COOKIES.start(A, "alice", "", NOW));
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      String tampered = value.substring(0, i) + (char) (c == 'A' ? 'B' : 'A') + value.substring(i + 1);
      assertThat(COOKIES.decode(tampered, A, NOW)).as("flip at " + i).isEmpty();
    }
    assertThat(COOKIES.decode(value + "x", A, NOW)).isEmpty();
    assertThat(COOKIES.decode("", A, NOW)).isEmpty();
  }

  @Test
  void oldKeyStillVerifiesAfterRotationAndUnknownKeysDoNot() {
    KeyRing oldOnly = KeyRing.parse("old:old-secret-0123456789abcdef0123456789", new ArrayList<>());
    String byOld = new SessionCookies(oldOnly, Duration.ofHours(12)).encode(COOKIES.start(A, "alice", "", NOW));
    assertThat(COOKIES.decode(byOld, A, NOW)).isPresent();
    KeyRing other = KeyRing.parse("new:another-secret-0123456789abcdef012345", new ArrayList<>());
    String forged = new SessionCookies(other, Duration.ofHours(12)).encode(COOKIES.start(A, "alice", "", NOW));
    assertThat(COOKIES.decode(forged, A, NOW)).isEmpty();
  }

  @Test
  void keyRingRefusesShortSecretsWithoutEchoingThem() {
    List<String> problems = new ArrayList<>();
    assertThat(KeyRing.parse("k:short-secret", problems)).isNull();
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0)).contains("at least 32").doesNotContain("short-secret");
  }
}
