package io.wsgate.proxy.admin;

import io.vertx.core.Future;
import io.wsgate.metrics.Meters;
import io.wsgate.metrics.PoolStats;
import io.wsgate.store.FleetViews;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples the fleet from Redis now and then: sets the {@code wsgate.workspaces} gauges (by profile and
 * state) and advances the cost counters {@code wsgate.workspace.seconds} by the time since the last sample:
 * running workspaces count as {@code assigned}, the pool's ready ones as {@code warm}, starting ones (launches
 * and pool members) as {@code starting}. Only the leader advances the cost counters, so summing them over
 * replicas counts each workspace-second once. Driven by {@link #runOnce(long)}: the caller owns time.
 */
final class FleetSampler {

  /** Most workspaces read per sample; beyond it the counts are a lower bound (and logged by the caller). */
  static final int MAX_WORKSPACES = 100_000;

  private final FleetViews fleet;
  private final Meters meters;
  private final Collection<String> profiles;

  FleetSampler(FleetViews fleet, Meters meters, Collection<String> profiles) {
    this.fleet = fleet;
    this.meters = meters;
    this.profiles = List.copyOf(profiles);
  }

  /** What one sample found: workspace counts by profile, then state. */
  record Sample(Map<String, Map<String, Long>> counts, boolean costAdvanced) {
    long count(String profile, String state) {
      return counts.getOrDefault(profile, Map.of()).getOrDefault(state, 0L);
    }
  }

  /** Reads the fleet once; {@code elapsedMillis} is the time since the previous sample (0 for the first). */
  Future<Sample> runOnce(long elapsedMillis) {
    return fleet.workspaces(MAX_WORKSPACES).map(hashes -> {
      Map<String, Map<String, Long>> counts = new HashMap<>();
      for (String p : profiles) {
        counts.put(p, new HashMap<>(Map.of("starting", 0L, "running", 0L)));
      }
      for (Map<String, String> h : hashes) {
        counts.computeIfAbsent(h.getOrDefault("profile", ""), k -> new HashMap<>())
            .merge(h.get("state"), 1L, Long::sum);
      }
      counts.forEach((profile, byState) -> byState.forEach((state, n) -> meters.workspaces(profile, state, n)));
      boolean advance = elapsedMillis > 0 && meters.isLeader();
      if (advance) {
        double seconds = elapsedMillis / 1000.0;
        Sample partial = new Sample(counts, true);
        for (String p : counts.keySet()) {
          PoolStats.Counts pool = meters.pool(p);
          meters.workspaceSeconds(p, Meters.ASSIGNED, partial.count(p, "running") * seconds);
          meters.workspaceSeconds(p, Meters.WARM_KIND, pool.ready() * seconds);
          meters.workspaceSeconds(p, Meters.STARTING, (partial.count(p, "starting") + pool.starting()) * seconds);
        }
      }
      return new Sample(counts, advance);
    });
  }
}
