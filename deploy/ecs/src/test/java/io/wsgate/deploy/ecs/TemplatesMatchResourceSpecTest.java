package io.wsgate.deploy.ecs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every template parses, uses only resource types and properties of the real CloudFormation resource
 * specification, and every Ref, GetAtt, Sub variable, DependsOn and ImportValue resolves.
 */
class TemplatesMatchResourceSpecTest {

  private static ResourceSpec spec;

  @BeforeAll
  static void loadSpec() throws IOException {
    spec = ResourceSpec.load();
  }

  @Test
  void theSpecificationIsTheRealOne() {
    assertThat(spec.resourceTypeCount()).as("resource types in spec %s", spec.version()).isGreaterThan(900);
    assertThat(spec.hasType("AWS::ECS::TaskDefinition")).isTrue();
  }

  /**
   * The specification types capabilities as plain strings; its documentation lists them and says a Fargate task may
   * add only SYS_PTRACE, which is why the workspace task definitions drop all the others instead of adding the agent's.
   */
  @Test
  void theDocumentationSaysFargateAddsOnlySysPtrace() {
    KernelCapabilities caps = KernelCapabilities.documented();
    assertThat(caps.fargateMayAdd()).containsExactly("SYS_PTRACE");
    assertThat(caps.all()).hasSize(37).containsAll(AgentWiring.CAPABILITIES.keySet()).doesNotContain("ALL");
  }

  @Test
  void templatesAreThere() {
    assertThat(Template.all()).extracting(Template::name).containsExactly("base.yaml", "wsgate.yaml");
  }

  @Test
  void everyTemplateMatchesTheSpecificationAndResolves() {
    List<String> problems = new TemplateLint(spec).check(Template.all());
    assertThat(problems).isEmpty();
  }
}
