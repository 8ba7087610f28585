package io.wsgate.proxy.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wsgate.metrics.LaunchRecord;
import io.wsgate.metrics.Meters;
import io.wsgate.store.FleetViews;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's recent launches, newest first: every replica pushes its finished launches to one capped
 * Redis list, so the status page shows the whole fleet whichever replica serves it.
 */
final class LaunchLog {

  private static final Logger log = LoggerFactory.getLogger(LaunchLog.class);
  static final int CAP = 200;

  private final FleetViews fleet;

  LaunchLog(FleetViews fleet, Meters meters) {
    this.fleet = fleet;
    meters.onLaunch(this::record);
  }

  private void record(LaunchRecord r) {
    fleet.recordLaunch(toJson(r).encode(), CAP)
        .onFailure(err -> log.debug("could not record launch of {}: {}", r.workspace(), err.toString()));
  }

  static JsonObject toJson(LaunchRecord r) {
    JsonObject phases = new JsonObject();
    r.phaseMillis().forEach(phases::put);
    JsonObject o = new JsonObject()
        .put("workspace", r.workspace())
        .put("profile", r.profile())
        .put("source", r.source())
        .put("startedAtMillis", r.startedAtMillis())
        .put("durationMs", r.durationMillis())
        .put("outcome", r.succeeded() ? "ok" : "failed")
        .put("phasesMs", phases);
    if (!r.succeeded()) {
      o.put("reason", r.reason()).put("failedPhase", r.failedPhase());
    }
    return o;
  }

  /** The newest {@code n} launches; entries that do not parse are skipped. */
  Future<JsonArray> recent(int n) {
    return fleet.recentLaunches(Math.min(n, CAP)).map(list -> {
      JsonArray out = new JsonArray();
      for (String s : list) {
        try {
          out.add(new JsonObject(s));
        } catch (RuntimeException e) {
          log.debug("skipping a launch entry that is not JSON");
        }
      }
      return out;
    });
  }
}
