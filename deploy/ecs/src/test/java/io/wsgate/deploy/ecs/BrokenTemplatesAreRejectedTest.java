package io.wsgate.deploy.ecs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The checks can fail: each deliberately broken template is rejected with a message naming the mistake. */
class BrokenTemplatesAreRejectedTest {

  private static ResourceSpec spec;
  private static String wsgateYaml;
  private static String baseYaml;
  private static Template base;

  @BeforeAll
  static void load() throws IOException {
    spec = ResourceSpec.load();
    Path dir = Path.of(System.getProperty("templates.dir", "templates"));
    wsgateYaml = Files.readString(dir.resolve("wsgate.yaml"));
    baseYaml = Files.readString(dir.resolve("base.yaml"));
    base = Template.parse("base.yaml", baseYaml);
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

  // --- the workspace agent ------------------------------------------------------------------------------

  private static final String CODE = "wsgate.yaml: GatewayTaskDefinition container 'gateway': profile 'code': "
      + "CodeTaskDefinition container 'workspace': ";
  private static final String SUPERSET = "wsgate.yaml: GatewayTaskDefinition container 'gateway': profile 'superset': "
      + "SupersetTaskDefinition container 'workspace': ";

  private static List<String> wiring(String brokenWsgateYaml) {
    assertThat(brokenWsgateYaml).as("the test's change applies").isNotEqualTo(wsgateYaml);
    return WsgateWiring.check(Template.parse("wsgate.yaml", brokenWsgateYaml));
  }

  private static String once(String old, String replacement) {
    assertThat(wsgateYaml).contains(old);
    return wsgateYaml.replaceFirst(Pattern.quote(old), replacement);
  }

  @Test
  void unknownAgentSetting() {
    assertThat(wiring(once("WSGATE_AGENT_PREFETCH,", "WSGATE_AGENT_PREFECH,"))).containsExactly(
        CODE + "WSGATE_AGENT_PREFECH is not a workspace agent setting (io.wsgate.agent.AgentSetting)");
  }

  @Test
  void agentSettingThatDoesNotLoad() {
    assertThat(wiring(once("WSGATE_AGENT_READY_TIMEOUT, Value: 180s", "WSGATE_AGENT_READY_TIMEOUT, Value: 3 minutes")))
        .containsExactly(
            SUPERSET + "as a warm member, the agent's settings do not load: WSGATE_AGENT_READY_TIMEOUT (--ready-timeout): "
                + "'3 minutes' (expected: a positive duration such as 500ms, 30s, 5m)",
            SUPERSET + "as a cold start, the agent's settings do not load: WSGATE_AGENT_READY_TIMEOUT (--ready-timeout): "
                + "'3 minutes' (expected: a positive duration such as 500ms, 30s, 5m)");
  }

  @Test
  void workspaceFixedInTheTaskDefinition() {
    assertThat(wiring(once("            - { Name: WSGATE_AGENT_IDE, Value: code-server }",
        "            - { Name: WSGATE_AGENT_IDE, Value: code-server }\n"
            + "            - { Name: WSGATE_WORKSPACE_ID, Value: alice }")))
        .containsExactly(CODE + "WSGATE_WORKSPACE_ID is the gateway's to give each launch (empty for a warm member), "
            + "not the task definition's");
  }

  @Test
  void assignPathDisagreesWithTheGateway() {
    assertThat(wiring(once("WSGATE_PROFILE_CODE_ASSIGN_PATH, Value: /wsgate/assign",
        "WSGATE_PROFILE_CODE_ASSIGN_PATH, Value: /assign"))).containsExactly(CODE + "the agent takes assignments on "
        + "/wsgate/assign but the gateway posts them to WSGATE_PROFILE_CODE_ASSIGN_PATH=/assign");
  }

  @Test
  void poolWithoutAssignPath() {
    assertThat(wiring(once("            - { Name: WSGATE_PROFILE_SUPERSET_ASSIGN_PATH, Value: /wsgate/assign }\n", "")))
        .containsExactly(SUPERSET + "profile 'superset' has a warm pool but no WSGATE_PROFILE_SUPERSET_ASSIGN_PATH");
  }

  @Test
  void readinessPathDisagreesWithTheGateway() {
    assertThat(wiring(once("WSGATE_PROFILE_SUPERSET_READINESS_PATH, Value: /health ",
        "WSGATE_PROFILE_SUPERSET_READINESS_PATH, Value: /healthz "))).containsExactly(SUPERSET
        + "the agent answers readiness on /health but the gateway probes WSGATE_PROFILE_SUPERSET_READINESS_PATH=/healthz");
  }

  @Test
  void readinessPathDisagreesWithTheIdesReadyConfiguration() {
    String broken = once("WSGATE_AGENT_READINESS_PATH, Value: /healthz", "WSGATE_AGENT_READINESS_PATH, Value: /ready")
        .replace("WSGATE_PROFILE_CODE_READINESS_PATH, Value: /healthz", "WSGATE_PROFILE_CODE_READINESS_PATH, Value: /ready");
    assertThat(wiring(broken)).containsExactly(CODE + "WSGATE_AGENT_READINESS_PATH=/ready but code-server (the "
        + "agent's ready configuration) answers /healthz once assigned");
  }

  @Test
  void agentPortDisagreesWithTheContainer() {
    assertThat(wiring(once("{ Name: PORT, Value: \"8080\" }", "{ Name: PORT, Value: \"8081\" }")))
        .containsExactly(CODE + "PORT=8081 but the container maps [8080]");
  }

  @Test
  void isolationNotRequired() {
    assertThat(wiring(once("WSGATE_AGENT_ISOLATION, Value: required", "WSGATE_AGENT_ISOLATION, Value: auto")))
        .singleElement().asString().startsWith(CODE + "WSGATE_AGENT_ISOLATION=auto (expected: required");
  }

  @Test
  void agentBoundToLoopback() {
    assertThat(wiring(once("WSGATE_AGENT_HOST, Value: 0.0.0.0", "WSGATE_AGENT_HOST, Value: 127.0.0.1")))
        .singleElement().asString().startsWith(CODE + "WSGATE_AGENT_HOST=127.0.0.1 (expected: 0.0.0.0");
  }

  @Test
  void workspaceContainerNotRoot() {
    assertThat(wiring(once("User: \"0\"", "User: \"1000\""))).singleElement().asString()
        .startsWith(CODE + "User 1000 (expected: \"0\"");
  }

  @Test
  void capabilityTheAgentNeedsDropped() {
    assertThat(wiring(once("SYS_TTY_CONFIG, WAKE_ALARM]", "SYS_TTY_CONFIG, WAKE_ALARM, KILL]"))).containsExactly(
        CODE + "the container drops KILL, which the agent needs (SIGTERM and SIGKILL to the IDE, which runs as another uid)");
  }

  @Test
  void capabilityTheAgentDoesNotNeedKept() {
    assertThat(wiring(once("NET_RAW, ", ""))).singleElement().asString()
        .startsWith(CODE + "the container keeps [NET_RAW], which the agent does not need");
  }

  @Test
  void capabilitiesAddedOnFargate() {
    String broken = Pattern.compile("Drop: \\[[^]]*]").matcher(wsgateYaml).replaceFirst(
        "Drop: [ALL]\n              Add: [CHOWN, FOWNER, DAC_OVERRIDE, SETUID, SETGID, KILL]");
    assertThat(wiring(broken)).containsExactly(CODE + "Capabilities.Add [CHOWN, DAC_OVERRIDE, FOWNER, KILL, SETGID, "
        + "SETUID]: a Fargate task may add only [SYS_PTRACE] (make the set by dropping every other capability instead)");
  }

  @Test
  void stopGraceLongerThanTheStopTimeoutAllows() {
    assertThat(wiring(once("WSGATE_AGENT_STOP_GRACE, Value: 20s", "WSGATE_AGENT_STOP_GRACE, Value: 30s")))
        .singleElement().asString().startsWith(CODE + "StopTimeout 30s is shorter than WSGATE_AGENT_STOP_GRACE (30s) "
            + "plus 5s");
  }

  @Test
  void taskRoleWithoutClientRootAccess() {
    String lacks = "task role WorkspaceTaskRole lacks elasticfilesystem:ClientRootAccess (without it EFS treats the "
        + "agent's root as nobody, and it cannot give directories to workspace users)";
    assertThat(wiring(once(", elasticfilesystem:ClientRootAccess]", "]"))).containsExactly(CODE + lacks, SUPERSET + lacks);
  }

  @Test
  void accessPointForcingOneUser() {
    String broken = baseYaml.replace("      RootDirectory:\n        Path: /workspaces",
        "      PosixUser: { Uid: \"1000\", Gid: \"1000\" }\n      RootDirectory:\n        Path: /workspaces");
    assertThat(broken).isNotEqualTo(baseYaml);
    assertThat(WsgateWiring.check(Template.parse("base.yaml", broken))).singleElement().asString()
        .startsWith("base.yaml: WorkspacesAccessPoint: PosixUser {Uid=1000, Gid=1000} makes every file operation "
            + "that user's");
  }

  @Test
  void accessPointRootListable() {
    String broken = baseYaml.replace("Permissions: \"0711\"", "Permissions: \"0755\"");
    assertThat(broken).isNotEqualTo(baseYaml);
    assertThat(WsgateWiring.check(Template.parse("base.yaml", broken))).containsExactly("base.yaml: "
        + "WorkspacesAccessPoint: RootDirectory /workspaces is created 0:0 mode 0755 (expected: 0:0 mode 0711, so "
        + "workspace users can reach their own directory and nothing else there)");
  }
}
