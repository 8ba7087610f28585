package io.wsgate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Load settings: defaults, workspace addresses on loopback, and refusal of anything that would leave the machine. */
class LoadSettingsTest {

  @Test
  void defaultsAreTwentyStudentsForAMinuteOnPort8080() {
    LoadSettings settings = LoadSettings.from(new Properties());

    assertThat(settings.users()).isEqualTo(20);
    assertThat(settings.duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(settings.ramp()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.think()).isEqualTo(Duration.ofSeconds(1));
    assertThat(settings.httpBase(3)).isEqualTo("http://ws-load-3.localhost:8080");
    assertThat(settings.wsBase(3)).isEqualTo("ws://ws-load-3.localhost:8080");
    assertThat(settings.workspace(3)).isEqualTo("load-3");
  }

  @Test
  void everyWorkspaceHostConnectsToTheGatewayAddress() {
    LoadSettings settings = LoadSettings.from(props("users", "3", "gateway", "http://localhost:18080",
        "domain", "Test.Localhost"));

    assertThat(settings.hostNameAliases()).containsExactly(
        entry("ws-load-1.test.localhost"), entry("ws-load-2.test.localhost"), entry("ws-load-3.test.localhost"));
    assertThat(settings.authority(2)).isEqualTo("ws-load-2.test.localhost:18080");
  }

  @Test
  void aPrefixGivesARunWorkspacesOfItsOwn() {
    LoadSettings settings = LoadSettings.from(props("prefix", "soak2-"));

    assertThat(settings.workspace(3)).isEqualTo("soak2-3");
    assertThat(settings.authority(3)).isEqualTo("ws-soak2-3.localhost:8080");
    assertThatIllegalArgumentException().isThrownBy(() -> LoadSettings.from(props("prefix", "Bad.Prefix")))
        .withMessageContaining("prefix: 'Bad.Prefix'");
  }

  @Test
  void durationsTakeUnits() {
    LoadSettings settings = LoadSettings.from(props("duration", "2m", "ramp", "0", "think", "250ms"));

    assertThat(settings.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.ramp()).isZero();
    assertThat(settings.think()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.maxRunTime()).isEqualTo(Duration.ofMinutes(3));
  }

  @Test
  void aGatewayOffThisMachineIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LoadSettings.from(props("gateway", "http://10.1.2.3:8080")))
        .withMessageContaining("gateway: 'http://10.1.2.3:8080' is not a loopback address");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LoadSettings.from(props("gateway", "https://127.0.0.1:8443")))
        .withMessageContaining("expected: http://<loopback address>:<port>");
  }

  @Test
  void aDomainThatCouldResolveElsewhereIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LoadSettings.from(props("domain", "example.edu")))
        .withMessageContaining("domain: 'example.edu' (expected: localhost or a name ending in .localhost)");
  }

  @Test
  void allProblemsAreReportedAtOnce() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LoadSettings.from(props("users", "0", "duration", "forever", "think", "5m")))
        .withMessageContaining("users: '0' (expected: a whole number from 1 to 500)")
        .withMessageContaining("duration: 'forever' (expected: a duration such as 500ms, 60s or 2m)")
        .withMessageContaining("think: PT5M (expected: at most PT1M)");
  }

  private static java.util.Map.Entry<String, List<String>> entry(String host) {
    return java.util.Map.entry(host, List.of("127.0.0.1"));
  }

  private static Properties props(String... keyValues) {
    Properties props = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      props.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return props;
  }
}
