package io.wsgate.metrics;

/**
 * What the warm pool reports per profile, read by the {@code wsgate.pool.*} gauges at each scrape. The warm
 * pool supplies an implementation through {@link Meters#poolStats(PoolStats)}; until then {@link #NONE}
 * reports zeros, so the gauges exist and dashboards work from the first deploy.
 */
@FunctionalInterface
public interface PoolStats {

  /** Reports zeros for every profile. */
  PoolStats NONE = profile -> Counts.ZERO;

  /**
   * The pool's counts for one profile. Called from the scrape thread: must not block, and should read
   * values the pool keeps up to date rather than compute them.
   */
  Counts counts(String profile);

  /**
   * @param target   how many ready workspaces the schedule asks for now
   * @param ready    warm workspaces waiting to be claimed
   * @param claimed  workspaces taken from the pool and assigned to a user since the pool started
   *                 (a gauge of the pool's current claimed set, as the pool defines it)
   * @param starting warm workspaces still starting
   * @param forecast the adaptive policy's forecast (launches expected within one cold start); -1 under a schedule
   */
  record Counts(int target, int ready, int claimed, int starting, double forecast) {
    public static final Counts ZERO = new Counts(0, 0, 0, 0);

    public Counts(int target, int ready, int claimed, int starting) {
      this(target, ready, claimed, starting, -1);
    }
  }
}
