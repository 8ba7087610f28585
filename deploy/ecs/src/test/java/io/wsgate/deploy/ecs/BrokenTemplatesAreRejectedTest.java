package io.wsgate.deploy.ecs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks can fail: each deliberately broken template is rejected with a message naming the mistake. */
class BrokenTemplatesAreRejectedTest {

  private static ResourceSpec spec;
  private static String wsgateYaml;
  private static Template base;

  @BeforeAll
  static void load() throws IOException {
    spec = ResourceSpec.load();
    Path dir = Path.of(System.getProperty("templates.dir", "templates"));
    wsgateYaml = Files.readString(dir.resolve("wsgate.yaml"));
    base = Template.parse("base.yaml", Files.readString(dir.resolve("base.yaml")));
  }

  private static List<String> lint(String yaml) {
    return new TemplateLint(spec).check(List.of(Template.parse("broken.yaml", yaml)));
  }

  private static String resource(String body) {
    return "Parameters:\n  VpcId:\n    Type: AWS::EC2::VPC::Id\nResources:\n" + body;
  }

  @Test
  void unknownResourceType() {
    assertThat(lint(resource("  Q:\n    Type: AWS::ECS::TaskDefinitionn\n")))
        .containsExactly("broken.yaml: Resources.Q: unknown resource type 'AWS::ECS::TaskDefinitionn'");
  }

  @Test
  void unknownProperty() {
    assertThat(lint(resource("  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
        + "      GroupDescription: x\n      VpcId: !Ref VpcId\n      Ingress: []\n")))
        .singleElement().asString().startsWith("broken.yaml: Resources.Sg.Properties.Ingress: "
            + "AWS::EC2::SecurityGroup has no property 'Ingress'");
  }

  @Test
  void unknownNestedPropertyAndMissingRequiredOne() {
    List<String> problems = lint(resource("  Td:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
        + "      ContainerDefinitions:\n        - Name: w\n          Image: x\n"
        + "          PortMappings:\n            - ContainerPortt: 8080\n"
        + "      Volumes:\n        - Name: data\n          EFSVolumeConfiguration:\n"
        + "            TransitEncryption: ENABLED\n"));
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("broken.yaml: Resources.Td.Properties"
        + ".ContainerDefinitions[0].PortMappings[0].ContainerPortt: PortMapping has no property 'ContainerPortt'"));
    assertThat(problems).contains("broken.yaml: Resources.Td.Properties.Volumes[0].EFSVolumeConfiguration: "
        + "EFSVolumeConfiguration requires property 'FilesystemId'");
  }

  @Test
  void danglingReferences() {
    List<String> problems = lint(resource("  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n"
        + "      GroupDescription: !Sub \"${Nope}-${Sg.GroupIdd}\"\n      VpcId: !Ref VpcIdd\n"
        + "      Tags:\n        - Key: k\n          Value: !GetAtt Missing.Arn\n"));
    assertThat(problems).containsExactlyInAnyOrder(
        "broken.yaml: Resources.Sg: Ref to 'VpcIdd', which is no parameter, resource or pseudo parameter",
        "broken.yaml: Resources.Sg (Fn::Sub): Ref to 'Nope', which is no parameter, resource or pseudo parameter",
        "broken.yaml: Resources.Sg (Fn::Sub): Fn::GetAtt Sg.GroupIdd: AWS::EC2::SecurityGroup has no attribute "
            + "'GroupIdd' (it has [GroupId, VpcId])",
        "broken.yaml: Resources.Sg: Fn::GetAtt of unknown resource 'Missing'");
  }

  @Test
  void importOfSomethingNoTemplateExports() {
    Template broken = Template.parse("wsgate.yaml",
        wsgateYaml.replace("${BaseStackName}-AccessPointArn", "${BaseStackName}-AccessPointArm"));
    assertThat(new TemplateLint(spec).check(List.of(base, broken)))
        .singleElement().asString().contains("Fn::ImportValue of 'AccessPointArm', which no template exports");
  }

  @Test
  void unknownWsgateSetting() {
    Template broken = Template.parse("wsgate.yaml",
        wsgateYaml.replace("WSGATE_LAUNCH_TIMEOUT", "WSGATE_LAUNCH_TIMEOUTS"));
    assertThat(WsgateWiring.check(broken)).singleElement().asString()
        .contains("WSGATE_LAUNCH_TIMEOUTS is not a wsgate setting");
  }

  @Test
  void profilePortDisagreesWithTheContainer() {
    Template broken = Template.parse("wsgate.yaml", wsgateYaml
        .replace("{ Name: WSGATE_PROFILE_SUPERSET_PORT, Value: \"8088\" }",
            "{ Name: WSGATE_PROFILE_SUPERSET_PORT, Value: \"8089\" }"));
    assertThat(WsgateWiring.check(broken)).containsExactlyInAnyOrder(
        "wsgate.yaml: GatewayTaskDefinition container 'gateway': profile 'superset': WSGATE_PROFILE_SUPERSET_PORT="
            + "8089 but container 'workspace' of SupersetTaskDefinition maps [8088]",
        "wsgate.yaml: GatewayTaskDefinition container 'gateway': profile 'superset': no SecurityGroupIngress lets "
            + "the gateway's security group reach the workspace security group on port 8089");
  }

  @Test
  void workspaceOpenToTheWorld() {
    Template broken = Template.parse("wsgate.yaml", wsgateYaml.replaceFirst(
        "SourceSecurityGroupId: \\{ \"Fn::ImportValue\": !Sub \"\\$\\{BaseStackName}-GatewaySecurityGroupId\" }",
        "CidrIp: 0.0.0.0/0"));
    assertThat(WsgateWiring.check(broken)).anySatisfy(p -> assertThat(p).contains(
        "CodeFromGateway opens the workspace security group to something other than the gateway's"));
  }

  @Test
  void stopTimeoutShorterThanTheDrainWindow() {
    Template broken = Template.parse("wsgate.yaml", wsgateYaml.replace(
        "            - { Name: WSGATE_PROVIDER, Value: ecs }",
        "            - { Name: WSGATE_PROVIDER, Value: ecs }\n            - { Name: WSGATE_DRAIN_WINDOW, Value: 110s }"));
    assertThat(WsgateWiring.check(broken)).singleElement().asString()
        .contains("StopTimeout 120s is shorter than WSGATE_DRAIN_WINDOW (110s) plus 15s");
  }

  @Test
  void shortDeregistrationDelay() {
    Template broken = Template.parse("wsgate.yaml", wsgateYaml.replace("Value: \"600\"", "Value: \"30\""));
    assertThat(WsgateWiring.check(broken)).singleElement().asString()
        .contains("deregistration delay 30s is too short for WebSockets");
  }
}
