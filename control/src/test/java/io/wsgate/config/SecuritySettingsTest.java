package io.wsgate.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Security settings: auth on by default with a generated local key, precise problems, no secret ever echoed. */
class SecuritySettingsTest {

  @TempDir
  Path tmp;

  @Test
  void localDefaultGeneratesAnOwnerOnlyKeyOnceAndKeepsIt() throws Exception {
    GatewayConfig first = ConfigLoader.load(Map.of("WSGATE_STATE_DIR", tmp.toString()));
    assertThat(first.security().authEnabled()).isTrue();
    Path file = tmp.resolve("auth-keys");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    GatewayConfig second = ConfigLoader.load(Map.of("WSGATE_STATE_DIR", tmp.toString()));
    assertThat(second.security().keys().signing().secret()).isEqualTo(first.security().keys().signing().secret());
  }

  @Test
  void ecsNeedsSharedKeysAndProblemsAreListedTogether() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("WSGATE_STATE_DIR", tmp.toString(), "WSGATE_PROVIDER", "ecs",
        "WSGATE_AUTH_KEYS", "", "WSGATE_AUTH", "maybe", "WSGATE_MAX_HEADER_SIZE", "16 MB",
        "WSGATE_TRUSTED_PROXIES", "10.0.0.0/99")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("WSGATE_AUTH (--auth): 'maybe' (expected one of on, off)")
        .hasMessageContaining("WSGATE_MAX_HEADER_SIZE (--max-header-size): '16 MB'")
        .hasMessageContaining("WSGATE_TRUSTED_PROXIES (--trusted-proxies): '10.0.0.0/99'");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("WSGATE_STATE_DIR", tmp.toString(), "WSGATE_PROVIDER", "ecs")))
        .hasMessageContaining("WSGATE_AUTH_KEYS (--auth-keys): missing");
  }

  @Test
  void badKeysAreReportedWithoutTheSecret() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("WSGATE_STATE_DIR", tmp.toString(),
        "WSGATE_AUTH_KEYS", "lms:tooshortsecret")))
        .hasMessageContaining("key 'lms': secret of 14 characters").hasMessageNotContaining("tooshortsecret");
  }

  @Test
  void authOffNeedsNoKeys() {
    GatewayConfig c = ConfigLoader.load(Map.of("WSGATE_STATE_DIR", tmp.toString(), "WSGATE_AUTH", "off"));
    assertThat(c.security().authEnabled()).isFalse();
    assertThat(c.security().keys()).isNull();
    assertThat(Files.exists(tmp.resolve("auth-keys"))).isFalse();
  }

  @Test
  void authOffStillSignsAssignsWithAKeyOfItsOwn() {
    Map<String, String> env = Map.of("WSGATE_STATE_DIR", tmp.toString(), "WSGATE_AUTH", "off");
    GatewayConfig c = ConfigLoader.load(env);
    assertThat(c.security().assignKeys()).isNotNull();
    assertThat(Files.exists(tmp.resolve("assign-keys"))).isTrue();
    // a second gateway on the same state directory signs with the same key, so it can claim the first's members
    assertThat(ConfigLoader.load(env).security().assignKeys().signing().secret())
        .isEqualTo(c.security().assignKeys().signing().secret());
  }
}
