package io.wsgate.deploy.ecs;

import io.wsgate.agent.AgentSetting;
import io.wsgate.agent.AgentSettings;
import io.wsgate.agent.Ide;
import io.wsgate.agent.Isolation;
import io.wsgate.config.ProfileSetting;
import io.wsgate.config.Setting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static io.wsgate.deploy.ecs.Template.list;
import static io.wsgate.deploy.ecs.Template.map;

/**
 * Checks that a profile's workspace container runs the workspace agent the way the gateway's profile expects it to,
 * with the privileges the agent needs for one user per workspace and nothing more: every agent variable is a real
 * {@link AgentSetting} and the environment loads through {@link AgentSettings} as a warm member and as a cold start;
 * the agent's port, readiness path and assign path are the profile's (and its ready configuration's); isolation is
 * required; the container runs as root with exactly {@link #CAPABILITIES}; the agent can stop the IDE before ECS
 * kills the container; the task role may act as root on EFS. Also: the EFS access point leaves each client's uid alone.
 */
final class AgentWiring {

  /**
   * The capabilities the agent uses as root, and what for (each one is shown necessary by
   * {@code AgentCapabilitiesTest}, which runs the agent with exactly this set and with each one missing).
   */
  static final Map<String, String> CAPABILITIES = capabilities();

  /** What the agent needs after stopping the IDE: its own shutdown (closing Vert.x is bounded at 5 s). */
  static final Duration STOP_MARGIN = Duration.ofSeconds(5);

  private static final Set<String> ROOT = Set.of("0", "root", "0:0", "root:root");
  private static final Set<String> ANY_ADDRESS = Set.of("0.0.0.0", "::");
  private static final String EXAMPLE_WORKSPACE = "alice";

  private AgentWiring() {
  }

  private static Map<String, String> capabilities() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("CHOWN", "give the workspace's new directory (and a tree made before the agent) to the workspace's uid");
    m.put("FOWNER", "set that directory's mode to 0700 once it belongs to the workspace's uid");
    m.put("DAC_OVERRIDE", "enter that 0700 directory to start the IDE in it, and walk a tree made before the agent");
    m.put("SETUID", "setpriv --reuid: the IDE runs as the workspace's uid");
    m.put("SETGID", "setpriv --regid --clear-groups: and as its gid, with no supplementary groups");
    m.put("KILL", "SIGTERM and SIGKILL to the IDE, which runs as another uid");
    return Map.copyOf(m);
  }

  /**
   * The checks of profile {@code profile}'s workspace container.
   *
   * @param where      the gateway container and profile, for messages
   * @param gatewayEnv the gateway's {@code WSGATE_*} variables
   */
  static void check(Template t, String where, String profile, Map<String, Object> gatewayEnv, String workspaceTd,
                    Map<String, Object> container, List<String> problems) {
    String w = where + ": " + workspaceTd + " container '" + container.get("Name") + "'";
    Map<String, Object> env = agentVariables(container);
    Set<String> known = new TreeSet<>();
    for (AgentSetting s : AgentSetting.values()) {
      known.add(s.env());
    }
    Map<String, String> literal = new HashMap<>();
    env.forEach((name, value) -> {
      if (!known.contains(name)) {
        problems.add(w + ": " + name + " is not a workspace agent setting (io.wsgate.agent.AgentSetting)");
      } else if (name.equals(AgentSetting.WORKSPACE.env()) || name.equals(AgentSetting.DATA_DIR.env())) {
        problems.add(w + ": " + name + " is the gateway's to give each launch (empty for a warm member), not the "
            + "task definition's");
      } else if (value instanceof String s) {
        literal.put(name, s);
      } else {
        problems.add(w + ": " + name + " must be a literal value (the agent's settings are checked as written), "
            + "found " + value);
      }
    });
    checkUserAndCapabilities(w, t, workspaceTd, container, problems);
    checkTaskRole(w, t, workspaceTd, problems);

    // as the gateway starts them: a warm member (both empty), and a cold start of one workspace
    String dataRoot = String.valueOf(gatewayEnv.get(Setting.DATA_DIR.env()));
    Optional<AgentSettings> warm = load(w + ": as a warm member", literal, "", "", problems);
    load(w + ": as a cold start", literal, EXAMPLE_WORKSPACE, dataRoot + "/" + EXAMPLE_WORKSPACE, problems);
    if (warm.isEmpty()) {
      return;
    }
    AgentSettings agent = warm.get();
    if (agent.isolation() != Isolation.REQUIRED) {
      problems.add(w + ": " + AgentSetting.ISOLATION.env() + "=" + agent.isolation().name().toLowerCase(Locale.ROOT)
          + " (expected: required, so an agent that cannot give each workspace its own user refuses to start instead "
          + "of running every student as one user)");
    }
    if (!ANY_ADDRESS.contains(agent.host())) {
      problems.add(w + ": " + AgentSetting.HOST.env() + "=" + agent.host() + " (expected: 0.0.0.0: the gateway "
          + "reaches the task on its network interface's address)");
    }
    List<Integer> ports = list(container.get("PortMappings")).stream()
        .map(m -> String.valueOf(map(m).get("ContainerPort"))).map(AgentWiring::intValue).toList();
    if (!ports.contains(agent.port())) {
      problems.add(w + ": " + AgentSetting.PORT.env() + "=" + agent.port() + " but the container maps " + ports);
    }
    checkPaths(w, profile, gatewayEnv, literal, agent, problems);
    Object stop = container.get("StopTimeout");
    Duration needed = agent.stopGrace().plus(STOP_MARGIN);
    if (stop == null || Duration.ofSeconds(intValue(String.valueOf(stop))).compareTo(needed) < 0) {
      problems.add(w + ": StopTimeout " + stop + "s is shorter than " + AgentSetting.STOP_GRACE.env() + " ("
          + agent.stopGrace().toSeconds() + "s) plus " + STOP_MARGIN.toSeconds() + "s: ECS would kill the IDE before "
          + "the agent has stopped it and its files are complete (expected: >= " + needed.toSeconds() + ")");
    }
  }

  /** The warm member's readiness path and assign path are the gateway profile's, and the IDE's too. */
  private static void checkPaths(String w, String profile, Map<String, Object> gatewayEnv, Map<String, String> literal,
                                 AgentSettings agent, List<String> problems) {
    String readinessVar = ProfileSetting.READINESS_PATH.env(profile);
    Object readiness = gatewayEnv.getOrDefault(readinessVar, ProfileSetting.READINESS_PATH.defaultValue());
    if (!agent.readinessPath().equals(readiness)) {
      problems.add(w + ": the agent answers readiness on " + agent.readinessPath() + " but the gateway probes "
          + readinessVar + "=" + readiness);
    }
    Optional<Ide> ide = Ide.named(agent.ideName());
    if (ide.isPresent() && !literal.containsKey(AgentSetting.COMMAND.env())
        && !ide.get().readinessPath().equals(agent.readinessPath())) {
      problems.add(w + ": " + AgentSetting.READINESS_PATH.env() + "=" + agent.readinessPath() + " but "
          + ide.get().name() + " (the agent's ready configuration) answers " + ide.get().readinessPath()
          + " once assigned");
    }
    String assignVar = ProfileSetting.ASSIGN_PATH.env(profile);
    Object assign = gatewayEnv.get(assignVar);
    if (gatewayEnv.containsKey(ProfileSetting.POOL_SCHEDULE.env(profile)) && assign == null) {
      problems.add(w + ": profile '" + profile + "' has a warm pool but no " + assignVar);
    } else if (assign != null && !agent.assignPath().equals(assign)) {
      problems.add(w + ": the agent takes assignments on " + agent.assignPath() + " but the gateway posts them to "
          + assignVar + "=" + assign);
    }
  }

  private static Optional<AgentSettings> load(String w, Map<String, String> env, String workspace, String dataDir,
                                              List<String> problems) {
    Map<String, String> e = new HashMap<>(env);
    e.put(AgentSetting.WORKSPACE.env(), workspace);
    e.put(AgentSetting.DATA_DIR.env(), dataDir);
    try {
      return Optional.of(AgentSettings.parse(new String[0], e));
    } catch (IllegalArgumentException ex) {
      for (String line : ex.getMessage().split("\n")) {
        problems.add(w + ", the agent's settings do not load: " + line);
      }
      return Optional.empty();
    }
  }

  /** Root for the agent, and of Linux's capabilities exactly {@link #CAPABILITIES}, made within Fargate's rules. */
  private static void checkUserAndCapabilities(String w, Template t, String td, Map<String, Object> container,
                                               List<String> problems) {
    Object user = container.get("User");
    if (user == null || !ROOT.contains(String.valueOf(user))) {
      problems.add(w + ": User " + user + " (expected: \"0\": the agent switches to each workspace's own user, "
          + "which only root may)");
    }
    KernelCapabilities documented = KernelCapabilities.documented();
    Map<String, Object> caps = map(map(container.get("LinuxParameters")).get("Capabilities"));
    Set<String> drop = strings(caps.get("Drop"));
    Set<String> add = strings(caps.get("Add"));
    boolean fargate = list(t.properties(td).get("RequiresCompatibilities")).contains("FARGATE");
    Set<String> notAddable = new TreeSet<>(add);
    notAddable.removeAll(documented.fargateMayAdd());
    if (fargate && !notAddable.isEmpty()) {
      problems.add(w + ": Capabilities.Add " + notAddable + ": a Fargate task may add only "
          + documented.fargateMayAdd() + " (make the set by dropping every other capability instead)");
    }
    Set<String> unknown = new TreeSet<>(drop);
    unknown.addAll(add);
    unknown.removeAll(documented.all());
    unknown.remove("ALL");
    if (!unknown.isEmpty()) {
      problems.add(w + ": unknown capabilities " + unknown);
    }
    Set<String> kept = kept(container);
    Set<String> extra = new TreeSet<>(kept);
    extra.removeAll(CAPABILITIES.keySet());
    Set<String> missing = new TreeSet<>(CAPABILITIES.keySet());
    missing.removeAll(kept);
    if (!extra.isEmpty()) {
      problems.add(w + ": the container keeps " + extra + ", which the agent does not need (expected: Drop every "
          + "capability but " + new TreeSet<>(CAPABILITIES.keySet()) + ")");
    }
    for (String m : missing) {
      problems.add(w + ": the container drops " + m + ", which the agent needs (" + CAPABILITIES.get(m) + ")");
    }
  }

  /**
   * The capabilities a container may hold at most, whatever Fargate's default set: every documented capability it does
   * not drop, and those it adds.
   */
  static Set<String> kept(Map<String, Object> container) {
    Map<String, Object> caps = map(map(container.get("LinuxParameters")).get("Capabilities"));
    Set<String> drop = strings(caps.get("Drop"));
    Set<String> kept = new TreeSet<>(drop.contains("ALL") ? Set.of() : KernelCapabilities.documented().all());
    kept.removeAll(drop);
    kept.addAll(strings(caps.get("Add")));
    return kept;
  }

  /** The task role may mount, write and act as root on EFS (through the access point, as before). */
  private static void checkTaskRole(String w, Template t, String td, List<String> problems) {
    List<Object> arn = list(map(t.properties(td).get("TaskRoleArn")).get("Fn::GetAtt"));
    String role = arn.isEmpty() ? null : String.valueOf(arn.get(0));
    if (role == null || !"AWS::IAM::Role".equals(t.type(role))) {
      problems.add(w + ": TaskRoleArn must be !GetAtt of a role in this template, found "
          + t.properties(td).get("TaskRoleArn"));
      return;
    }
    Set<String> allowed = new TreeSet<>();
    for (Object policy : list(t.properties(role).get("Policies"))) {
      for (Object s : list(map(map(policy).get("PolicyDocument")).get("Statement"))) {
        if ("Allow".equals(map(s).get("Effect"))) {
          allowed.addAll(strings(map(s).get("Action")));
        }
      }
    }
    for (String action : List.of("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite",
        "elasticfilesystem:ClientRootAccess")) {
      if (!allowed.contains(action)) {
        problems.add(w + ": task role " + role + " lacks " + action + (action.endsWith("RootAccess")
            ? " (without it EFS treats the agent's root as nobody, and it cannot give directories to workspace users)"
            : ""));
      }
    }
  }

  /**
   * Every EFS access point leaves the NFS client's uid and gid alone (no {@code PosixUser}), and its root is root's,
   * mode 0711: workspace users pass through to their own directory but cannot list or change the root.
   */
  static void checkAccessPoints(Template t, List<String> problems) {
    for (String ap : t.resourcesOfType("AWS::EFS::AccessPoint")) {
      String w = t.name() + ": " + ap;
      Map<String, Object> props = t.properties(ap);
      if (props.containsKey("PosixUser")) {
        problems.add(w + ": PosixUser " + props.get("PosixUser") + " makes every file operation that user's, so "
            + "every workspace could read every other's files (expected: none; the agent gives each its own uid)");
      }
      Map<String, Object> root = map(props.get("RootDirectory"));
      Map<String, Object> creation = map(root.get("CreationInfo"));
      String mode = String.valueOf(creation.get("Permissions"));
      if (!"0".equals(String.valueOf(creation.get("OwnerUid"))) || !"0".equals(String.valueOf(creation.get("OwnerGid")))
          || !mode.matches("0?711")) {
        problems.add(w + ": RootDirectory " + root.get("Path") + " is created " + creation.get("OwnerUid") + ":"
            + creation.get("OwnerGid") + " mode " + mode + " (expected: 0:0 mode 0711, so workspace users can reach "
            + "their own directory and nothing else there)");
      }
    }
  }

  /** The container's agent variables: {@code WSGATE_*} and {@code PORT}, literal values or the expression. */
  static Map<String, Object> agentVariables(Map<String, Object> container) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object e : list(container.get("Environment"))) {
      String name = String.valueOf(map(e).get("Name"));
      if (name.startsWith("WSGATE_") || name.equals(AgentSetting.PORT.env())) {
        out.put(name, map(e).get("Value"));
      }
    }
    for (Object s : list(container.get("Secrets"))) {
      String name = String.valueOf(map(s).get("Name"));
      if (name.startsWith("WSGATE_") || name.equals(AgentSetting.PORT.env())) {
        out.put(name, Map.of("secret", String.valueOf(map(s).get("ValueFrom"))));
      }
    }
    return out;
  }

  private static Set<String> strings(Object v) {
    Set<String> out = new TreeSet<>();
    if (v instanceof List<?> l) {
      l.forEach(x -> out.add(String.valueOf(x)));
    } else if (v != null) {
      out.add(String.valueOf(v));
    }
    return out;
  }

  private static int intValue(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
