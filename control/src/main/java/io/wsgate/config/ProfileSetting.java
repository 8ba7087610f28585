package io.wsgate.config;

import java.util.Locale;

/**
 * Settings of one workspace profile, read from {@code WSGATE_PROFILE_<NAME>_<SETTING>} or
 * {@code --profile-<name>-<setting>}.
 */
public enum ProfileSetting {
  COMMAND("", "Local provider: command line that starts the workspace, split on spaces (quotes group), no shell. "
      + "Placeholders: {port}, {id}, {dir}, {java}, {classpath}. Required for the local provider."),
  PORT("0", "Port the workspace listens on inside its container (ecs). The local provider picks a free port "
      + "and passes it as {port}."),
  READINESS_PATH("/", "Path probed until it answers below 500; then the workspace is ready."),
  IDLE_TIMEOUT("30m", "A workspace with no activity for this long is stopped (its data stays)."),
  CLOSED_GRACE("", "A workspace whose browser tabs have all closed (no WebSocket open on any replica) is stopped "
      + "after this much inactivity instead of IDLE_TIMEOUT, e.g. 5m; empty: off. A tab that stays open keeps the full "
      + "IDLE_TIMEOUT; a workspace that never opened a WebSocket is not affected."),
  ACTIVITY("client", "What counts as activity: client (traffic from the browser only) or both (also from the workspace)."),
  ACTIVITY_MIN_MESSAGE("0", "WebSocket messages of at most this many bytes never count as activity (0: all count)."),
  KEEPALIVE_DETECT("true", "Ignore WebSocket messages whose size repeats at a steady interval of 1 s or more (keepalives, also sent in bursts)."),
  POOL_SCHEDULE("", "Warm pool size by time, first match wins, e.g. 'mon-fri 09:00-21:00 5, sat-sun 2, * 1'; "
      + "empty: no pool."),
  POOL_POLICY("schedule", "schedule: the pool follows POOL_SCHEDULE; adaptive: it grows above the schedule (its floor) "
      + "to the smallest size a student finds empty with probability at most POOL_RISK, from the launches of the "
      + "recent weeks and the profile's own cold-start time, ahead of forecast bursts."),
  POOL_MAX("50", "adaptive: the most warm members the policy may keep (the schedule still wins if higher)."),
  POOL_RISK("0.02", "adaptive: the accepted chance that a launch finds the pool empty (0.0001-0.5)."),
  ASSIGN_PATH("", "HTTP path POSTed on a warm pool member to hand it a workspace ({\"workspace\",\"dataDir\"}); "
      + "required for a pool."),
  MAX_RUNNING("0", "Most workspaces of this profile running at once; 0 = no cap."),
  TASK_DEFINITION("", "ecs: task definition family, family:revision or ARN (required for ecs)."),
  CONTAINER("workspace", "ecs: name of the container in the task definition that serves the workspace."),
  CAPACITY_PROVIDER("FARGATE", "ecs: FARGATE or FARGATE_SPOT.");

  private final String defaultValue;
  private final String description;

  ProfileSetting(String defaultValue, String description) {
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String env(String profile) {
    return "WSGATE_PROFILE_" + profile.toUpperCase(Locale.ROOT) + "_" + name();
  }

  public String flag(String profile) {
    return "--profile-" + profile + "-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }
}
