package io.wsgate.control;

import io.vertx.core.Future;
import io.wsgate.config.GatewayConfig;
import io.wsgate.store.RedisReachability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * One tick of the control loop: renew or take the lease; if this replica leads, top up the warm pools, reap
 * idle workspaces, and now and then reconcile. Ticks never overlap. Tests call {@link #tick()} with their own
 * clock; {@link ControlVerticle} calls it on a timer and on pool events.
 */
public final class FleetControl {

  private static final Logger log = LoggerFactory.getLogger(FleetControl.class);

  /** What a tick did; the parts are null where they did not run. */
  public record Tick(boolean leader, WarmPool.Result pool, Reaper.Result reaped, Reconciler.Result reconciled) {
  }

  private final GatewayConfig config;
  private final LeaderLease lease;
  private final WarmPool pool;
  private final Reaper reaper;
  private final Reconciler reconciler;
  private final Clock clock;
  private final RedisReachability redis;
  private long nextReconcile;
  private Future<Tick> running;
  private boolean again;

  public FleetControl(GatewayConfig config, LeaderLease lease, WarmPool pool, Reaper reaper, Reconciler reconciler,
                      Clock clock, RedisReachability redis) {
    this.redis = redis;
    this.config = config;
    this.lease = lease;
    this.pool = pool;
    this.reaper = reaper;
    this.reconciler = reconciler;
    this.clock = clock;
  }

  public LeaderLease lease() {
    return lease;
  }

  public WarmPool pool() {
    return pool;
  }

  /**
   * Runs a tick. While one is under way, the call joins it and one more tick follows it, so an event that
   * arrives mid-tick (a pool claim) is never lost.
   */
  public synchronized Future<Tick> tick() {
    if (running != null && !running.isComplete()) {
      again = true;
      return running;
    }
    running = runTick();
    running.onComplete(ar -> {
      boolean more;
      synchronized (this) {
        more = again;
        again = false;
      }
      if (more) {
        tick();
      }
    });
    return running;
  }

  private Future<Tick> runTick() {
    return lease.tick().compose(leader -> {
      String fence = lease.fence().orElse(null);
      if (!leader || fence == null) {
        return Future.succeededFuture(new Tick(false, null, null, null));
      }
      long now = clock.millis();
      boolean reconcile = now >= nextReconcile;
      if (reconcile) {
        nextReconcile = now + config.fleet().reconcileInterval().toMillis();
      }
      return pool.runOnce(now, fence).compose(p -> reaper.runOnce(now, fence).compose(r ->
          (reconcile ? reconciler.runOnce(now, fence) : Future.<Reconciler.Result>succeededFuture(null))
              .map(c -> new Tick(true, p, r, c))));
    }).onFailure(err -> {
      if (redis.inOutage()) {
        log.debug("control tick failed: {}", err.toString()); // the outage itself is logged once
      } else {
        log.warn("control tick failed: {}", err.toString());
      }
    });
  }
}
