package io.wsgate.deploy.ecs;

import io.wsgate.config.ProfileSetting;
import io.wsgate.config.Setting;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The templates configure wsgate with real settings, and names, ports, security group rules, EFS mounts and
 * IAM permissions agree with that configuration.
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

  @Test
  void theGatewayIsConfiguredForEcsWithEveryProfile() {
    Template t = Template.all().stream().filter(x -> x.name().equals("wsgate.yaml")).findFirst().orElseThrow();
    Map<String, Object> gateway = Template.map(Template.list(t.properties("GatewayTaskDefinition")
        .get("ContainerDefinitions")).get(0));
    Map<String, Object> env = WsgateWiring.wsgateVariables(gateway);
    assertThat(env).containsEntry(Setting.PROVIDER.env(), "ecs")
        .containsEntry(Setting.PROFILES.env(), "code,superset")
        .containsKeys(Setting.REDIS_URL.env(), Setting.ECS_CLUSTER.env(), Setting.ECS_SUBNETS.env(),
            Setting.ECS_SECURITY_GROUPS.env(), ProfileSetting.READINESS_PATH.env("code"),
            ProfileSetting.READINESS_PATH.env("superset"));
  }
}
