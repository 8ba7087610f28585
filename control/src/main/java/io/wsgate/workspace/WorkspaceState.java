package io.wsgate.workspace;

import java.util.Locale;

/** The life cycle of a workspace as recorded in Redis. A workspace with no record is stopped. */
public enum WorkspaceState {
  /** A launcher holds the launch lock and is starting it. */
  STARTING,
  /** Ready and routable. */
  RUNNING;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static WorkspaceState fromWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
