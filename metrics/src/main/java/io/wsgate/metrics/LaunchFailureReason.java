package io.wsgate.metrics;

import java.util.Locale;

/**
 * Why a launch failed, as a bounded {@code reason} tag: never free text, which would carry ids, ports
 * and paths into the metric's series.
 */
public enum LaunchFailureReason {
  /** The launch as a whole ran past the launch timeout. */
  TIMEOUT,
  /** The provider refused or failed to start the workspace (bad command, ECS error, capacity). */
  PROVIDER_ERROR,
  /** The workspace process or task stopped by itself before it was ready. */
  WORKSPACE_EXITED,
  /** The workspace ran but never answered its readiness path in time. */
  READINESS_TIMEOUT,
  /** Another launcher took over the lock before this one could publish its route. */
  LOCK_LOST,
  /** Redis failed or timed out during the launch. */
  REDIS_ERROR,
  /** Anything else; look at the logs. */
  OTHER;

  private final String tag = name().toLowerCase(Locale.ROOT);

  public String tag() {
    return tag;
  }
}
