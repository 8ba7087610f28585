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
