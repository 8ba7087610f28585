package io.wsgate.agent;

import java.util.Locale;

/**
 * Every setting of the workspace agent: its environment variable, flag, default and meaning. The README's agent
 * table is checked against this list ({@code AgentReadmeTableTest}). A flag wins over the variable.
 */
public enum AgentSetting {
  IDE("WSGATE_AGENT_IDE", "", "Ready configuration of the IDE: code-server or demo; empty: COMMAND and READINESS_PATH say everything."),
  COMMAND("WSGATE_AGENT_COMMAND", "", "The IDE's command line, split into arguments before {port}, {host}, {id} and {dir} are filled in (no shell); overrides the IDE's."),
  PORT("PORT", "", "Port the agent answers on while warm and the IDE serves students on once assigned (the profile's port)."),
  HOST("WSGATE_AGENT_HOST", "127.0.0.1", "Address the agent and the IDE bind (0.0.0.0 in a container)."),
  READINESS_PATH("WSGATE_AGENT_READINESS_PATH", "", "Path that answers below 500 when ready: the agent's while warm, the IDE's once assigned (default: the IDE's, else /)."),
  ASSIGN_PATH("WSGATE_AGENT_ASSIGN_PATH", "/wsgate/assign", "Path of the assign hook (the profile's ASSIGN_PATH)."),
  ISOLATION("WSGATE_AGENT_ISOLATION", "auto", "auto: run the IDE as the workspace's own user when the agent may switch users, else say so once and run it as the agent's user; required: refuse to start without that privilege; off: never switch."),
  READY_TIMEOUT("WSGATE_AGENT_READY_TIMEOUT", "120s", "Longest the IDE may take to answer its readiness path before the assignment fails and the agent exits."),
  STOP_GRACE("WSGATE_AGENT_STOP_GRACE", "10s", "Time between SIGTERM and SIGKILL when the agent stops the IDE."),
  SHELL("WSGATE_AGENT_SHELL", "", "The student's shell, given to the IDE as SHELL (code-server's terminals open it; a workspace's own user has no login shell of its own); an absolute path to an executable; default: /bin/bash where it exists, else /bin/sh."),
  PREFETCH("WSGATE_AGENT_PREFETCH", "", "Comma-separated directories read once while warm, so the IDE's files are in the page cache when a student comes."),
  WORKSPACE("WSGATE_WORKSPACE_ID", "", "Cold start: the workspace to serve at once; empty: start warm and wait for an assignment."),
  DATA_DIR("WSGATE_DATA_DIR", "", "Cold start: the workspace's directory (its last segment is the workspace id).");

  private final String env;
  private final String defaultValue;
  private final String description;

  AgentSetting(String env, String defaultValue, String description) {
    this.env = env;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String env() {
    return env;
  }

  /** {@code --ready-timeout} for {@code READY_TIMEOUT}. */
  public String flag() {
    return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }
}
