package io.wsgate.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {

  @Test
  void defaultsRunTheDemoLocallyWithEmbeddedRedis() {
    GatewayConfig c = ConfigLoader.load(Map.of());
    assertThat(c.port()).isEqualTo(8080);
    assertThat(c.baseDomain()).isEqualTo("localhost");
    assertThat(c.redisUrl()).isEmpty();
    assertThat(c.provider()).isEqualTo(GatewayConfig.ProviderKind.LOCAL);
    assertThat(c.profiles()).containsOnlyKeys("demo");
    assertThat(c.profile("demo").command()).isEqualTo(Profile.DEMO_COMMAND);
    assertThat(c.workspaceUrl("demo")).isEqualTo("http://ws-demo.localhost:8080/");
    assertThat(c.launchTimeout()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void flagsOverrideEnvironment() {
    GatewayConfig c = ConfigLoader.load(Map.of("WSGATE_PORT", "9000", "WSGATE_BASE_DOMAIN", "a.example"),
        "--port", "9001", "--hold-timeout=1500ms", "--profile-demo-readiness-path", "/ready");
    assertThat(c.port()).isEqualTo(9001);
    assertThat(c.baseDomain()).isEqualTo("a.example");
    assertThat(c.holdTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.profile("demo").readinessPath()).isEqualTo("/ready");
  }

  /** ECS puts the metadata endpoint in every container's environment; the setting overrides it or turns it off. */
  @Test
  void taskMetadataComesFromEcsUnlessSetOrOff() {
    String ecs = "http://169.254.170.2/v4/abc";
    assertThat(ConfigLoader.load(Map.of()).fleet().taskMetadata()).isEmpty();
    assertThat(ConfigLoader.load(Map.of("ECS_CONTAINER_METADATA_URI_V4", ecs)).fleet().taskMetadata())
        .hasValue(java.net.URI.create(ecs));
    assertThat(ConfigLoader.load(Map.of("ECS_CONTAINER_METADATA_URI_V4", ecs, "WSGATE_TASK_METADATA_URI", "off"))
        .fleet().taskMetadata()).isEmpty();
    assertThat(ConfigLoader.load(Map.of("WSGATE_TASK_METADATA_URI", "http://127.0.0.1:9/v4/x")).fleet()
        .taskMetadata()).hasValue(java.net.URI.create("http://127.0.0.1:9/v4/x"));
    assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Map.of(
        "WSGATE_TASK_METADATA_URI", "169.254.170.2/v4"))).getMessage())
        .contains("WSGATE_TASK_METADATA_URI").contains("expected: an http URL");
  }

  @Test
  void publicUrlBuildsWorkspaceLinks() {
    GatewayConfig c = ConfigLoader.load(Map.of("WSGATE_BASE_DOMAIN", "ws.example.edu.",
        "WSGATE_PUBLIC_URL", "https://ws.example.edu/"));
    assertThat(c.baseDomain()).isEqualTo("ws.example.edu");
    assertThat(c.workspaceUrl("ab1")).isEqualTo("https://ws-ab1.ws.example.edu/");
  }

  @Test
  void everyProblemIsReportedAtOnceWithWhatToFix() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(Map.of(
        "WSGATE_PORT", "eighty",
        "WSGATE_LAUNCH_TIMEOUT", "0s",
        "WSGATE_PROVIDER", "k8s",
        "WSGATE_BASE_DOMAIN", "bad domain",
        "WSGATE_REDIS_URL", "localhost:6379",
        "WSGATE_PROFILES", "demo,Code",
        "WSGATE_PROFILE_DEMO_READINESS_PATH", "healthz")));
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "WSGATE_PORT (--port): 'eighty' (expected: a whole number from 0 to 65535)",
        "WSGATE_LAUNCH_TIMEOUT (--launch-timeout): '0s' (expected: a positive duration such as 500ms, 30s, 5m, 1h)",
        "WSGATE_PROVIDER (--provider): 'k8s' (expected one of local, ecs)",
        "WSGATE_BASE_DOMAIN (--base-domain): 'bad domain' (expected: a DNS name such as localhost or workspaces.example.edu)",
        "WSGATE_REDIS_URL (--redis-url): 'localhost:6379' (expected: redis://host:port, rediss://host:port, or empty for an embedded Redis)",
        "WSGATE_PROFILES (--profiles): profile name 'Code' (expected: a lower-case letter, then letters and digits, at most 31)",
        "WSGATE_PROFILE_DEMO_READINESS_PATH: 'healthz' (expected: a path such as /healthz)");
  }

  @Test
  void stopWorkspacesOnExitIsOnOrOff() {
    assertThat(ConfigLoader.load(Map.of()).stopWorkspacesOnExit()).isTrue();
    assertThat(ConfigLoader.load(Map.of(), "--stop-workspaces-on-exit", "OFF").stopWorkspacesOnExit()).isFalse();
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("WSGATE_STOP_WORKSPACES_ON_EXIT", "no")))
        .hasMessageContaining("WSGATE_STOP_WORKSPACES_ON_EXIT (--stop-workspaces-on-exit): 'no' (expected one of on, off)");
  }

  @Test
  void localProfileNeedsACommand() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("WSGATE_PROFILES", "code", "WSGATE_DEFAULT_PROFILE", "code")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("WSGATE_PROFILE_CODE_COMMAND: missing (expected: the command that starts a 'code' workspace");
  }

  @Test
  void defaultProfileMustExist() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("WSGATE_DEFAULT_PROFILE", "code")))
        .hasMessageContaining("WSGATE_DEFAULT_PROFILE (--default-profile): 'code' is not a configured profile (expected one of [demo])");
  }

  @Test
  void ecsNeedsClusterNetworkAndTaskDefinitions() {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.load(Map.of("WSGATE_PROVIDER", "ecs")));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("WSGATE_ECS_CLUSTER (--ecs-cluster): missing"))
        .anySatisfy(p -> assertThat(p).startsWith("WSGATE_ECS_SUBNETS (--ecs-subnets): missing"))
        .anySatisfy(p -> assertThat(p).startsWith("WSGATE_ECS_SECURITY_GROUPS (--ecs-security-groups): missing"))
        .anySatisfy(p -> assertThat(p).startsWith("WSGATE_PROFILE_DEMO_TASK_DEFINITION: missing"))
        .anySatisfy(p -> assertThat(p).startsWith("WSGATE_PROFILE_DEMO_PORT: missing"));
  }

  @Test
  void unknownFlagIsReported() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(), "--prot", "80"))
        .hasMessageContaining("--prot: unknown flag (see --help)");
  }

  @Test
  void durationsInBothNotations() {
    assertThat(ConfigLoader.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ConfigLoader.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(ConfigLoader.parseDuration("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThat(ConfigLoader.parseDuration("soon")).isNull();
  }
}
