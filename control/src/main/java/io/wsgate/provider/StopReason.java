package io.wsgate.provider;

import java.util.Locale;

/** Why wsgate stops a workspace; recorded with the stop (ECS {@code StopTask} reason, logs, metrics). */
public enum StopReason {
  IDLE, POOL_SURPLUS, ORPHAN, SHUTDOWN, LAUNCH_FAILED, UNHEALTHY,
  /** A second copy of a workspace that already runs (only after Redis lost what it knew). */
  DUPLICATE;

  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
