package io.wsgate.agent;

/** Whether the agent runs the IDE as the workspace's own user ({@link AgentSetting#ISOLATION}). */
public enum Isolation {
  /** Switch users when the agent may (root), else say so once and run the IDE as the agent's own user. */
  AUTO,
  /** Switch users, or refuse to start. */
  REQUIRED,
  /** Never switch: a developer's single-user set-up. */
  OFF
}
