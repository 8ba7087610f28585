package io.wsgate.metrics;

import java.util.Locale;

/**
 * The phases of a launch, in order. A warm launch spends nearly all its time in {@link #CLAIM} (taking a
 * ready workspace from the pool); a cold one in {@link #PROVIDER_START} and {@link #READINESS}.
 * {@link #PUBLISH} (recording the route) is only ever a failure's phase, its duration is Redis's.
 */
public enum LaunchPhase {
  /** Taking the launch lock and marking the workspace starting, or claiming a warm one. */
  CLAIM,
  /** The provider starting the process or task until it has an address. */
  PROVIDER_START,
  /** Probing the workspace until it answers. */
  READINESS,
  /** Publishing the route. */
  PUBLISH;

  private final String tag = name().toLowerCase(Locale.ROOT);

  /** The bounded {@code phase} tag value. */
  public String tag() {
    return tag;
  }
}
