package io.wsgate.deploy.ecs;

import io.wsgate.config.ConfigLoader;
import io.wsgate.config.ProfileSetting;
import io.wsgate.config.Setting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import static io.wsgate.deploy.ecs.Template.list;
import static io.wsgate.deploy.ecs.Template.map;

/**
 * Checks that a template wires wsgate the way wsgate reads its configuration: every {@code WSGATE_*}
 * variable is a real {@link Setting} or {@link ProfileSetting}; each profile's task definition, container and
 * port exist and agree with the workspace task definition, its EFS volume and the security group rule that
 * lets the gateway (and only the gateway) reach that port; the gateway's port agrees with its container,
 * service, target group and ALB rule; the gateway role may run exactly those task definition families. A profile's
 * workspace container runs the workspace agent: its variables are the agent's, checked by {@link AgentWiring}.
 */
final class WsgateWiring {

  private static final Set<String> REQUIRED_ON_ECS = Set.of(Setting.PROVIDER.env(), Setting.ECS_CLUSTER.env(),
      Setting.ECS_SUBNETS.env(), Setting.ECS_SECURITY_GROUPS.env(), Setting.REDIS_URL.env(),
      Setting.BASE_DOMAIN.env(), Setting.PUBLIC_URL.env(), Setting.PROFILES.env(), Setting.DATA_DIR.env());

  private WsgateWiring() {
  }

  static List<String> check(Template t) {
    List<String> problems = new ArrayList<>();
    Set<String> workspaces = workspaceContainers(t);
    for (String td : t.resourcesOfType("AWS::ECS::TaskDefinition")) {
      for (Object c : list(t.properties(td).get("ContainerDefinitions"))) {
        Map<String, Object> container = map(c);
        Map<String, Object> env = wsgateVariables(container);
        if (env.isEmpty() || workspaces.contains(td + "/" + container.get("Name"))) {
          continue; // a profile's workspace container is checked with its profile, as the agent's
        }
        String where = t.name() + ": " + td + " container '" + container.get("Name") + "'";
        List<String> profiles = profiles(env);
        checkNames(where, env.keySet(), profiles, problems);
        if ("ecs".equals(env.get(Setting.PROVIDER.env()))) {
          new Gateway(t, td, container, env, where, problems).check(profiles);
        }
      }
    }
    AgentWiring.checkAccessPoints(t, problems);
    return problems;
  }

  /** {@code <task definition>/<container>} of every profile of every gateway container in the template. */
  private static Set<String> workspaceContainers(Template t) {
    Set<String> out = new TreeSet<>();
    for (String td : t.resourcesOfType("AWS::ECS::TaskDefinition")) {
      for (Object c : list(t.properties(td).get("ContainerDefinitions"))) {
        Map<String, Object> env = wsgateVariables(map(c));
        if (!"ecs".equals(env.get(Setting.PROVIDER.env()))) {
          continue;
        }
        for (String p : profiles(env)) {
          Object ref = map(env.get(ProfileSetting.TASK_DEFINITION.env(p))).get("Ref");
          out.add(ref + "/" + env.getOrDefault(ProfileSetting.CONTAINER.env(p), ProfileSetting.CONTAINER.defaultValue()));
        }
      }
    }
    return out;
  }

  /** WSGATE_* names of a container's environment and secrets, with literal values (else the expression). */
  static Map<String, Object> wsgateVariables(Map<String, Object> container) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object e : list(container.get("Environment"))) {
      String name = String.valueOf(map(e).get("Name"));
      if (name.startsWith("WSGATE_")) {
        out.put(name, map(e).get("Value"));
      }
    }
    for (Object s : list(container.get("Secrets"))) {
      String name = String.valueOf(map(s).get("Name"));
      if (name.startsWith("WSGATE_")) {
        out.put(name, Map.of("secret", String.valueOf(map(s).get("ValueFrom"))));
      }
    }
    return out;
  }

  private static List<String> profiles(Map<String, Object> env) {
    Object value = env.getOrDefault(Setting.PROFILES.env(), Setting.PROFILES.defaultValue());
    List<String> out = new ArrayList<>();
    for (String p : String.valueOf(value).split(",")) {
      if (!p.isBlank()) {
        out.add(p.trim());
      }
    }
    return out;
  }

  private static void checkNames(String where, Set<String> names, List<String> profiles, List<String> problems) {
    Set<String> known = new TreeSet<>();
    for (Setting s : Setting.values()) {
      known.add(s.env());
    }
    for (String p : profiles) {
      for (ProfileSetting s : ProfileSetting.values()) {
        known.add(s.env(p));
      }
    }
    for (String name : names) {
      if (!known.contains(name)) {
        problems.add(where + ": " + name + " is not a wsgate setting (io.wsgate.config.Setting, or ProfileSetting "
            + "of profiles " + profiles + ")");
      }
    }
  }

  /** The checks of the gateway's container (WSGATE_PROVIDER=ecs). */
  private record Gateway(Template t, String td, Map<String, Object> container, Map<String, Object> env,
                         String where, List<String> problems) {

    /** What a stopping gateway needs after its drain window: the last close handshakes (5 s) and the rest. */
    static final Duration STOP_MARGIN = Duration.ofSeconds(15);

    void check(List<String> profiles) {
      for (String required : new TreeSet<>(REQUIRED_ON_ECS)) {
        if (!env.containsKey(required)) {
          problems.add(where + ": " + required + " is required for the ecs provider");
        }
      }
      Object redis = env.get(Setting.REDIS_URL.env());
      if (redis instanceof String s && !s.startsWith("rediss://")) {
        problems.add(where + ": " + Setting.REDIS_URL.env() + " must use TLS (rediss://), found " + s);
      }
      int port = intValue(env.getOrDefault(Setting.PORT.env(), Setting.PORT.defaultValue()));
      checkGatewayPort(port);
      Object gatewaySg = checkService(port);
      for (String p : profiles) {
        checkProfile(p, gatewaySg);
      }
      for (String ingress : t.resourcesOfType("AWS::EC2::SecurityGroupIngress")) {
        Map<String, Object> rule = t.properties(ingress);
        if (Objects.equals(rule.get("GroupId"), env.get(Setting.ECS_SECURITY_GROUPS.env()))
            && !Objects.equals(rule.get("SourceSecurityGroupId"), gatewaySg)) {
          problems.add(where + ": " + ingress + " opens the workspace security group to something other than "
              + "the gateway's security group");
        }
      }
    }

    private void checkGatewayPort(int port) {
      if (!containerPorts(container).contains(port)) {
        problems.add(where + ": " + Setting.PORT.env() + "=" + port + " but the container maps " + containerPorts(container));
      }
      Duration drain = ConfigLoader.parseDuration(String.valueOf(
          env.getOrDefault(Setting.DRAIN_WINDOW.env(), Setting.DRAIN_WINDOW.defaultValue())));
      Duration needed = drain.plus(STOP_MARGIN);
      if (container.get("StopTimeout") == null) {
        problems.add(where + ": no StopTimeout (open WebSockets need time to drain)");
      } else if (Duration.ofSeconds(intValue(container.get("StopTimeout"))).compareTo(needed) < 0) {
        problems.add(where + ": StopTimeout " + container.get("StopTimeout") + "s is shorter than "
            + Setting.DRAIN_WINDOW.env() + " (" + drain.toSeconds() + "s) plus " + STOP_MARGIN.toSeconds()
            + "s for the last close handshakes and the shutdown (expected: >= " + needed.toSeconds() + ")");
      }
      Object health = map(container.get("HealthCheck")).get("Command");
      if (!String.valueOf(health).contains("/healthz")) {
        problems.add(where + ": the container HealthCheck must probe /healthz, found " + health);
      }
    }

    /** Checks the service running the gateway; returns the gateway's security group expression. */
    private Object checkService(int port) {
      for (String svc : t.resourcesOfType("AWS::ECS::Service")) {
        Map<String, Object> props = t.properties(svc);
        if (!Map.of("Ref", td).equals(props.get("TaskDefinition"))) {
          continue;
        }
        for (Object lb : list(props.get("LoadBalancers"))) {
          if (intValue(map(lb).get("ContainerPort")) != port) {
            problems.add(where + ": service " + svc + " sends the ALB to port " + map(lb).get("ContainerPort")
                + ", the gateway listens on " + port);
          }
          String tg = String.valueOf(map(map(lb).get("TargetGroupArn")).get("Ref"));
          checkTargetGroup(tg, port);
        }
        Map<String, Object> vpc = map(map(props.get("NetworkConfiguration")).get("AwsvpcConfiguration"));
        List<Object> groups = list(vpc.get("SecurityGroups"));
        if (groups.size() != 1) {
          problems.add(where + ": service " + svc + " should have exactly the gateway security group");
          return null;
        }
        Object sg = groups.get(0);
        if (!ingressCovers(sg, null, port)) {
          problems.add(where + ": no SecurityGroupIngress lets the ALB reach the gateway on port " + port);
        }
        return sg;
      }
      problems.add(where + ": no AWS::ECS::Service runs task definition " + td);
      return null;
    }

    private void checkTargetGroup(String tg, int port) {
      Map<String, Object> props = t.properties(tg);
      if (props.isEmpty()) {
        problems.add(where + ": target group " + tg + " not found");
        return;
      }
      if (intValue(props.get("Port")) != port || !"/healthz".equals(props.get("HealthCheckPath"))) {
        problems.add(where + ": target group " + tg + " must use port " + port + " and HealthCheckPath /healthz");
      }
      int delay = -1;
      for (Object a : list(props.get("TargetGroupAttributes"))) {
        if ("deregistration_delay.timeout_seconds".equals(map(a).get("Key"))) {
          delay = intValue(map(a).get("Value"));
        }
      }
      if (delay < 300) {
        problems.add(where + ": target group " + tg + " deregistration delay " + delay + "s is too short for "
            + "WebSockets (expected: >= 300)");
      }
    }

    private void checkProfile(String p, Object gatewaySg) {
      String w = where + ": profile '" + p + "'";
      Object tdValue = env.get(ProfileSetting.TASK_DEFINITION.env(p));
      String workspaceTd = String.valueOf(map(tdValue).get("Ref"));
      if (!"AWS::ECS::TaskDefinition".equals(t.type(workspaceTd))) {
        problems.add(w + ": " + ProfileSetting.TASK_DEFINITION.env(p) + " must be !Ref of a task definition in "
            + "this template, found " + tdValue);
        return;
      }
      String name = String.valueOf(env.getOrDefault(ProfileSetting.CONTAINER.env(p), ProfileSetting.CONTAINER.defaultValue()));
      Map<String, Object> workspace = list(t.properties(workspaceTd).get("ContainerDefinitions")).stream()
          .map(Template::map).filter(c -> name.equals(c.get("Name"))).findFirst().orElse(null);
      if (workspace == null) {
        problems.add(w + ": task definition " + workspaceTd + " has no container '" + name + "'");
        return;
      }
      int port = intValue(env.get(ProfileSetting.PORT.env(p)));
      if (!containerPorts(workspace).contains(port)) {
        problems.add(w + ": " + ProfileSetting.PORT.env(p) + "=" + env.get(ProfileSetting.PORT.env(p))
            + " but container '" + name + "' of " + workspaceTd + " maps " + containerPorts(workspace));
      }
      if (!ingressCovers(env.get(Setting.ECS_SECURITY_GROUPS.env()), gatewaySg, port)) {
        problems.add(w + ": no SecurityGroupIngress lets the gateway's security group reach the workspace "
            + "security group on port " + port);
      }
      checkEfs(w, workspaceTd, workspace);
      AgentWiring.check(t, w, p, env, workspaceTd, workspace, problems);
      checkRunTaskAllowed(w, workspaceTd);
      Object capacity = env.get(ProfileSetting.CAPACITY_PROVIDER.env(p));
      if (capacity != null && !Set.of("FARGATE", "FARGATE_SPOT").contains(String.valueOf(capacity))) {
        problems.add(w + ": capacity provider " + capacity + " (expected FARGATE or FARGATE_SPOT)");
      }
    }

    private void checkEfs(String w, String workspaceTd, Map<String, Object> workspace) {
      String dataDir = String.valueOf(env.get(Setting.DATA_DIR.env()));
      for (Object v : list(t.properties(workspaceTd).get("Volumes"))) {
        Map<String, Object> efs = map(map(v).get("EFSVolumeConfiguration"));
        if (efs.isEmpty()) {
          continue;
        }
        Map<String, Object> auth = map(efs.get("AuthorizationConfig"));
        if (!"ENABLED".equals(efs.get("TransitEncryption")) || auth.get("AccessPointId") == null
            || !"ENABLED".equals(auth.get("IAM"))) {
          problems.add(w + ": EFS volume of " + workspaceTd + " needs TransitEncryption, an access point and IAM");
        }
        boolean mounted = list(workspace.get("MountPoints")).stream().map(Template::map)
            .anyMatch(m -> Objects.equals(m.get("SourceVolume"), map(v).get("Name"))
                && dataDir.equals(m.get("ContainerPath")));
        if (!mounted) {
          problems.add(w + ": " + Setting.DATA_DIR.env() + "=" + dataDir + " is not where " + workspaceTd
              + " mounts its EFS volume");
        }
        return;
      }
      problems.add(w + ": task definition " + workspaceTd + " has no EFS volume for workspace data");
    }

    private void checkRunTaskAllowed(String w, String workspaceTd) {
      Object family = map(t.properties(workspaceTd).get("Family")).get("Fn::Sub");
      for (String role : t.resourcesOfType("AWS::IAM::Role")) {
        for (Object policy : list(t.properties(role).get("Policies"))) {
          for (Object s : list(map(map(policy).get("PolicyDocument")).get("Statement"))) {
            Map<String, Object> st = map(s);
            if ("ecs:RunTask".equals(st.get("Action")) && String.valueOf(st.get("Resource"))
                .contains("task-definition/" + family + ":*")) {
              return;
            }
          }
        }
      }
      problems.add(w + ": no role allows ecs:RunTask on task-definition/" + family + ":*");
    }

    /** Whether an ingress rule into {@code group} from {@code source} (null: any) covers {@code port}. */
    private boolean ingressCovers(Object group, Object source, int port) {
      for (String ingress : t.resourcesOfType("AWS::EC2::SecurityGroupIngress")) {
        Map<String, Object> rule = t.properties(ingress);
        if (Objects.equals(rule.get("GroupId"), group)
            && (source == null || Objects.equals(rule.get("SourceSecurityGroupId"), source))
            && intValue(rule.get("FromPort")) <= port && port <= intValue(rule.get("ToPort"))) {
          return true;
        }
      }
      return false;
    }
  }

  private static List<Integer> containerPorts(Map<String, Object> container) {
    return list(container.get("PortMappings")).stream().map(m -> intValue(map(m).get("ContainerPort"))).toList();
  }

  private static int intValue(Object v) {
    try {
      return v == null ? -1 : Integer.parseInt(String.valueOf(v));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
