package io.wsgate.deploy.ecs;

import io.wsgate.agent.AgentSettings;
import io.wsgate.agent.Isolation;
import io.wsgate.config.ConfigLoader;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.ProfileSetting;
import io.wsgate.config.Setting;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The templates configure wsgate and the workspace agent with real settings, and names, ports, paths, security group
 * rules, EFS mounts and IAM permissions agree with that configuration.
 */
class TemplatesMatchWsgateConfigTest {

  @Test
  void wiringAgreesWithWsgateSettings() {
    List<String> problems = new ArrayList<>();
    for (Template t : Template.all()) {
      problems.addAll(WsgateWiring.check(t));
    }
    assertThat(problems).isEmpty();
  }

  /**
   * The gateway's environment, with the values CloudFormation computes replaced by examples of what they
   * become, is a configuration wsgate's own loader accepts, with the profiles and ports the templates mean.
   */
  @Test
  void theGatewayEnvironmentLoads() {
    Template t = wsgateTemplate();
    Map<String, Object> env = WsgateWiring.wsgateVariables(gatewayContainer(t));
    Map<String, String> concrete = new HashMap<>();
    env.forEach((name, value) -> concrete.put(name, value instanceof String s ? s : example(t, name, value)));
    GatewayConfig config = ConfigLoader.load(concrete);
    assertThat(config.provider()).isEqualTo(GatewayConfig.ProviderKind.ECS);
    assertThat(config.profiles()).containsOnlyKeys("code", "superset");
    assertThat(config.profile("code").port()).isEqualTo(8080);
    assertThat(config.profile("superset").port()).isEqualTo(8088);
    assertThat(config.profile("superset").ecs().capacityProvider()).isEqualTo("FARGATE_SPOT");
    assertThat(config.ecs().subnets()).hasSize(2);
    assertThat(config.dataDir()).hasToString("/mnt/efs");
    assertThat(config.workspaceUrl("alice")).isEqualTo("https://ws-alice.ws.example.edu/");
    assertThat(config.profile("code").fleet().hasPool()).isTrue();
    assertThat(config.profile("superset").fleet().hasPool()).isTrue();
    assertThat(config.profile("code").fleet().assignPath()).isEqualTo("/wsgate/assign");
  }

  /**
   * Each workspace task definition's agent environment, as a warm member gets it (no workspace yet), is a
   * configuration the agent's own loader accepts: code-server's ready configuration, Superset's command, each on its
   * profile's port, with isolation required.
   */
  @Test
  void theAgentEnvironmentsLoad() {
    Template t = wsgateTemplate();
    AgentSettings code = agentSettings(t, "CodeTaskDefinition");
    assertThat(code.ideName()).isEqualTo("code-server");
    assertThat(code.port()).isEqualTo(8080);
    assertThat(code.host()).isEqualTo("0.0.0.0");
    assertThat(code.readinessPath()).isEqualTo("/healthz");
    assertThat(code.assignPath()).isEqualTo("/wsgate/assign");
    assertThat(code.isolation()).isEqualTo(Isolation.REQUIRED);
    assertThat(code.prefetch()).containsExactly(Path.of("/usr/lib/code-server"));
    assertThat(code.cold()).isEmpty();
    AgentSettings superset = agentSettings(t, "SupersetTaskDefinition");
    assertThat(superset.ideName()).isEqualTo("custom");
    assertThat(superset.port()).isEqualTo(8088);
    assertThat(superset.readinessPath()).isEqualTo("/health");
    assertThat(superset.isolation()).isEqualTo(Isolation.REQUIRED);
    assertThat(superset.command().render(Map.of("host", "0.0.0.0", "port", "8088")))
        .hasSize(3).startsWith("sh", "-c").last().asString()
        .contains("SUPERSET_HOME=\"$WSGATE_DATA_DIR/superset\"")
        .endsWith("exec gunicorn --bind 0.0.0.0:8088 --workers 2 --timeout 120 \"superset.app:create_app()\"");
  }

  private static AgentSettings agentSettings(Template t, String td) {
    Map<String, Object> container = Template.map(Template.list(t.properties(td).get("ContainerDefinitions")).get(0));
    Map<String, String> env = new HashMap<>();
    AgentWiring.agentVariables(container).forEach((name, value) -> env.put(name, (String) value));
    env.put("WSGATE_WORKSPACE_ID", "");
    env.put("WSGATE_DATA_DIR", "");
    return AgentSettings.parse(new String[0], env);
  }

  /** What an intrinsic in the gateway's environment evaluates to in a deployment (for the loader test). */
  private static String example(Template t, String name, Object value) {
    if (name.equals(Setting.REDIS_URL.env())) {
      return "rediss://:token@master.wsgate.abc123.euw1.cache.amazonaws.com:6379";
    }
    if (name.equals(Setting.AUTH_KEYS.env())) {
      return "lms1:" + "s".repeat(48);
    }
    if (name.equals(Setting.ECS_SUBNETS.env())) {
      return "subnet-0aaa,subnet-0bbb";
    }
    if (name.equals(Setting.ECS_SECURITY_GROUPS.env())) {
      return "sg-0workspaces";
    }
    if (name.equals(Setting.ECS_CLUSTER.env())) {
      return "wsgate-base";
    }
    if (name.equals(Setting.BASE_DOMAIN.env())) {
      return "ws.example.edu";
    }
    if (name.equals(Setting.PUBLIC_URL.env())) {
      return "https://ws.example.edu";
    }
    Object ref = Template.map(value).get("Ref");
    if (ref != null && "AWS::ECS::TaskDefinition".equals(t.type(String.valueOf(ref)))) {
      return "arn:aws:ecs:eu-west-1:123456789012:task-definition/wsgate-" + ref + ":1";
    }
    Object parameterDefault = Template.map(t.section("Parameters").get(String.valueOf(ref))).get("Default");
    if (ref != null && parameterDefault != null) {
      return String.valueOf(parameterDefault);
    }
    throw new AssertionError(name + ": no example value for " + value + " (add one to this test)");
  }

  private static Template wsgateTemplate() {
    return Template.all().stream().filter(x -> x.name().equals("wsgate.yaml")).findFirst().orElseThrow();
  }

  private static Map<String, Object> gatewayContainer(Template t) {
    return Template.map(Template.list(t.properties("GatewayTaskDefinition").get("ContainerDefinitions")).get(0));
  }

  @Test
  void theGatewayIsConfiguredForEcsWithEveryProfile() {
    Map<String, Object> env = WsgateWiring.wsgateVariables(gatewayContainer(wsgateTemplate()));
    assertThat(env).containsEntry(Setting.PROVIDER.env(), "ecs")
        .containsEntry(Setting.PROFILES.env(), "code,superset")
        .containsKeys(Setting.REDIS_URL.env(), Setting.ECS_CLUSTER.env(), Setting.ECS_SUBNETS.env(),
            Setting.ECS_SECURITY_GROUPS.env(), ProfileSetting.READINESS_PATH.env("code"),
            ProfileSetting.READINESS_PATH.env("superset"));
  }
}
