package io.wsgate.control;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.wsgate.store.RouteEvent;
import io.wsgate.store.RouteEvents;

/**
 * Runs {@link FleetControl} every control interval and at once when a warm pool member is claimed, so a
 * replacement starts without waiting for the next tick. Every replica runs one; only the leader acts.
 */
public final class ControlVerticle extends VerticleBase {

  private final FleetControl control;
  private final RouteEvents events;
  private final long intervalMs;
  private long timer = -1;

  public ControlVerticle(FleetControl control, RouteEvents events, long intervalMs) {
    this.control = control;
    this.events = events;
    this.intervalMs = intervalMs;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(0, intervalMs, t -> control.tick());
    events.onEvent(e -> {
      if (e.kind() == RouteEvent.Kind.POOL && control.lease().isLeader()) {
        context.runOnContext(v -> control.tick());
      }
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return control.lease().release();
  }
}
