package io.wsgate.config;

import io.wsgate.pool.PoolSchedule;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads the workspace profiles ({@code WSGATE_PROFILE_<NAME>_*}) for {@link ConfigLoader}, adding to its problems. */
final class ProfilesLoader {

  private static final Pattern PROFILE_NAME = Pattern.compile("[a-z][a-z0-9]{0,30}");

  private final Map<String, String> values;
  private final List<String> problems;

  ProfilesLoader(Map<String, String> values, List<String> problems) {
    this.values = values;
    this.problems = problems;
  }

  Map<String, Profile> load(String list, GatewayConfig.ProviderKind provider) {
    Map<String, Profile> out = new LinkedHashMap<>();
    for (String name : list.split(",")) {
      name = name.trim();
      if (name.isEmpty()) {
        continue;
      }
      if (!PROFILE_NAME.matcher(name).matches()) {
        problems.add(ConfigLoader.describe(Setting.PROFILES) + ": profile name '" + name
            + "' (expected: a lower-case letter, then letters and digits, at most 31)");
        continue;
      }
      String command = profileValue(name, ProfileSetting.COMMAND);
      if (command.isEmpty() && name.equals("demo")) {
        command = Profile.DEMO_COMMAND;
      }
      if (command.isEmpty() && provider == GatewayConfig.ProviderKind.LOCAL) {
        problems.add(ProfileSetting.COMMAND.env(name) + ": missing (expected: the command that starts a '"
            + name + "' workspace, e.g. code-server --bind-addr 127.0.0.1:{port} --auth none {dir})");
      }
      String portRaw = profileValue(name, ProfileSetting.PORT);
      int port = 0;
      try {
        port = Integer.parseInt(portRaw);
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        problems.add(ProfileSetting.PORT.env(name) + ": '" + portRaw + "' (expected: 0-65535)");
      }
      if (provider == GatewayConfig.ProviderKind.ECS && port == 0) {
        problems.add(ProfileSetting.PORT.env(name) + ": missing (expected: the container port, e.g. 8080)");
      }
      String readiness = profileValue(name, ProfileSetting.READINESS_PATH);
      if (!readiness.startsWith("/")) {
        problems.add(ProfileSetting.READINESS_PATH.env(name) + ": '" + readiness + "' (expected: a path such as /healthz)");
      }
      Profile.EcsProfile ecs = new Profile.EcsProfile(profileValue(name, ProfileSetting.TASK_DEFINITION),
          profileValue(name, ProfileSetting.CONTAINER), profileValue(name, ProfileSetting.CAPACITY_PROVIDER));
      if (provider == GatewayConfig.ProviderKind.ECS) {
        if (ecs.taskDefinition().isEmpty()) {
          problems.add(ProfileSetting.TASK_DEFINITION.env(name) + ": missing (expected: the task definition family of '"
              + name + "' workspaces, e.g. wsgate-" + name + ")");
        }
        if (!ecs.capacityProvider().equals("FARGATE") && !ecs.capacityProvider().equals("FARGATE_SPOT")) {
          problems.add(ProfileSetting.CAPACITY_PROVIDER.env(name) + ": '" + ecs.capacityProvider()
              + "' (expected one of FARGATE, FARGATE_SPOT)");
        }
      }
      out.put(name, new Profile(name, command, port, readiness, fleet(name), ecs));
    }
    if (out.isEmpty() && problems.isEmpty()) {
      problems.add(ConfigLoader.describe(Setting.PROFILES) + ": empty (expected: at least one profile name, e.g. demo)");
    }
    return out;
  }

  private Profile.Fleet fleet(String name) {
    Duration idle = profileDuration(name, ProfileSetting.IDLE_TIMEOUT);
    String activity = profileValue(name, ProfileSetting.ACTIVITY);
    if (!activity.equals("client") && !activity.equals("both")) {
      problems.add(ProfileSetting.ACTIVITY.env(name) + ": '" + activity + "' (expected one of client, both)");
    }
    int minMessage = profileInt(name, ProfileSetting.ACTIVITY_MIN_MESSAGE, 0, 1 << 20);
    String keepalive = profileValue(name, ProfileSetting.KEEPALIVE_DETECT);
    if (!keepalive.equals("true") && !keepalive.equals("false")) {
      problems.add(ProfileSetting.KEEPALIVE_DETECT.env(name) + ": '" + keepalive + "' (expected true or false)");
    }
    PoolSchedule schedule = PoolSchedule.NONE;
    try {
      schedule = PoolSchedule.parse(profileValue(name, ProfileSetting.POOL_SCHEDULE));
    } catch (IllegalArgumentException e) {
      problems.add(ProfileSetting.POOL_SCHEDULE.env(name) + ": " + e.getMessage()
          + " (expected rules such as 'mon-fri 09:00-21:00 5, sat-sun 2, * 1')");
    }
    String assign = profileValue(name, ProfileSetting.ASSIGN_PATH);
    if (assign.isEmpty() && name.equals("demo")) {
      assign = "/wsgate/assign"; // the built-in demo takes assignments, so a schedule is all its pool needs
    }
    if (!schedule.isEmpty() && !assign.startsWith("/")) {
      problems.add(ProfileSetting.ASSIGN_PATH.env(name) + ": '" + assign + "' (expected: the path that assigns a warm"
          + " workspace, e.g. /wsgate/assign; a warm pool needs it)");
    }
    int max = profileInt(name, ProfileSetting.MAX_RUNNING, 0, 1_000_000);
    return new Profile.Fleet(idle, new Profile.ActivityPolicy(activity.equals("both"), minMessage,
        keepalive.equals("true")), schedule, assign, max, poolPolicy(name, schedule, assign), closedGrace(name));
  }

  private Duration closedGrace(String name) {
    String v = profileValue(name, ProfileSetting.CLOSED_GRACE);
    if (v.isEmpty()) {
      return Duration.ZERO;
    }
    Duration d = ConfigLoader.parseDuration(v);
    if (d == null || d.isZero() || d.isNegative()) {
      problems.add(ProfileSetting.CLOSED_GRACE.env(name) + ": '" + v + "' (expected: a positive duration such as 5m, "
          + "or empty for off)");
      return Duration.ZERO;
    }
    return d;
  }

  private Profile.PoolPolicy poolPolicy(String name, PoolSchedule schedule, String assign) {
    String policy = profileValue(name, ProfileSetting.POOL_POLICY);
    if (!policy.equals("schedule") && !policy.equals("adaptive")) {
      problems.add(ProfileSetting.POOL_POLICY.env(name) + ": '" + policy + "' (expected one of schedule, adaptive)");
    }
    int max = profileInt(name, ProfileSetting.POOL_MAX, 1, 10_000);
    String riskRaw = profileValue(name, ProfileSetting.POOL_RISK);
    double risk = 0.02;
    try {
      risk = Double.parseDouble(riskRaw);
      if (!(risk >= 0.0001 && risk <= 0.5)) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      problems.add(ProfileSetting.POOL_RISK.env(name) + ": '" + riskRaw + "' (expected a number 0.0001-0.5, e.g. 0.02)");
      risk = 0.02;
    }
    if (policy.equals("adaptive") && schedule.isEmpty()) {
      problems.add(ProfileSetting.POOL_POLICY.env(name) + ": adaptive needs a pool (expected "
          + ProfileSetting.POOL_SCHEDULE.env(name) + " as its floor, e.g. '* 0'" + (assign.isEmpty()
          ? ", and " + ProfileSetting.ASSIGN_PATH.env(name) : "") + ")");
    }
    return new Profile.PoolPolicy(policy.equals("adaptive"), max, risk);
  }

  private Duration profileDuration(String profile, ProfileSetting s) {
    String v = profileValue(profile, s);
    Duration d = ConfigLoader.parseDuration(v);
    if (d == null || d.isZero() || d.isNegative()) {
      problems.add(s.env(profile) + ": '" + v + "' (expected: a positive duration such as 30m)");
      return Duration.ofMinutes(30);
    }
    return d;
  }

  private int profileInt(String profile, ProfileSetting s, int min, int max) {
    return ConfigLoader.wholeNumber(s.env(profile), profileValue(profile, s), min, max, problems);
  }


  private String profileValue(String profile, ProfileSetting s) {
    String v = values.get(s.env(profile));
    return v == null ? s.defaultValue() : v.trim();
  }
}
