package io.wsgate.control;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.store.ActivityStore;
import io.wsgate.store.FleetStore;
import io.wsgate.store.RedisStore;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import io.wsgate.metrics.Meters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stops workspaces idle longer than their profile's timeout, or, for a profile with a closed-tab grace, idle
 * longer than the grace once no browser tab (relayed WebSocket) is open on any replica. A workspace with no activity record is
 * unknown, never idle: it gets a fresh idle period, so a Redis that lost its data can never stop the whole
 * fleet. Eligibility is checked again inside the fenced Redis script that removes the route, stops run with
 * bounded concurrency, and a provider error on one workspace does not keep the others from stopping.
 */
public final class Reaper {

  private static final Logger log = LoggerFactory.getLogger(Reaper.class);

  /** What one run did. */
  public record Result(int running, int stopped, int keptActive, int unknownRestarted, int errors, boolean fenced) {
  }

  private final GatewayConfig config;
  private final RedisStore store;
  private final FleetStore fleet;
  private final ActivityStore activity;
  private final WorkspaceProvider provider;
  private final Meters meters;

  public Reaper(GatewayConfig config, RedisStore store, ActivityStore activity, WorkspaceProvider provider,
                Meters meters) {
    this.meters = meters;
    this.config = config;
    this.store = store;
    this.fleet = new FleetStore(store);
    this.activity = activity;
    this.provider = provider;
  }

  public Future<Result> runOnce(long now, String fence) {
    return fleet.running().compose(ids -> activity.read(ids).compose(seen -> {
      List<String> unknown = new ArrayList<>();
      List<WorkspaceId> candidates = new ArrayList<>();
      long shortest = config.profiles().values().stream()
          .mapToLong(p -> p.fleet().shortestIdle().toMillis()).min().orElse(Long.MAX_VALUE);
      for (Map.Entry<String, Optional<ActivityStore.Activity>> e : seen.entrySet()) {
        if (e.getValue().isEmpty()) {
          unknown.add(e.getKey());
        } else if (now - e.getValue().get().atMillis() > shortest && WorkspaceId.isValid(e.getKey())) {
          candidates.add(new WorkspaceId(e.getKey()));
        }
      }
      if (!unknown.isEmpty()) {
        log.warn("{} running workspace(s) had no activity record; their idle period starts now: {}", unknown.size(),
            unknown);
      }
      boolean grace = config.profiles().values().stream().anyMatch(p -> p.fleet().hasClosedGrace());
      return activity.startFresh(unknown, now)
          .compose(v -> grace ? activity.tabs(candidates.stream().map(WorkspaceId::value).toList())
              : Future.succeededFuture(Map.<String, Optional<Integer>>of()))
          .compose(tabs -> stopAll(candidates, seen, tabs, now, fence))
          .map(r -> new Result(ids.size(), r.stopped, r.kept, unknown.size(), r.errors, r.fenced));
    }));
  }

  private static final class Tally {
    int stopped;
    int kept;
    int errors;
    boolean fenced;
  }

  private Future<Tally> stopAll(List<WorkspaceId> candidates, Map<String, Optional<ActivityStore.Activity>> seen,
                                Map<String, Optional<Integer>> tabs, long now, String fence) {
    Tally tally = new Tally();
    Deque<WorkspaceId> queue = new ArrayDeque<>(candidates);
    List<Future<Void>> workers = new ArrayList<>();
    for (int i = 0; i < Math.min(config.fleet().reapConcurrency(), candidates.size()); i++) {
      workers.add(worker(queue, seen, tabs, now, fence, tally));
    }
    return Future.join(workers).map(tally);
  }

  /** Takes workspaces off the shared queue one at a time until it is empty (or the lease is lost). */
  private Future<Void> worker(Deque<WorkspaceId> queue, Map<String, Optional<ActivityStore.Activity>> seen,
                              Map<String, Optional<Integer>> tabs, long now, String fence, Tally tally) {
    WorkspaceId id = queue.poll();
    if (id == null || tally.fenced) {
      return Future.succeededFuture();
    }
    Promise<Void> next = Promise.promise();
    reapOne(id, seen.get(id.value()).orElseThrow(), tabs.getOrDefault(id.value(), Optional.empty()), now, fence,
        tally)
        .onComplete(ar -> {
          if (ar.failed()) {
            tally.errors++;
            log.warn("workspace {}: could not be stopped: {}", id, ar.cause().toString());
          }
          worker(queue, seen, tabs, now, fence, tally).onComplete(next);
        });
    return next.future();
  }

  /**
   * @param tabs the workspace's open WebSockets over all replicas; empty if it never had one. With none open and
   *             a closed-tab grace, the grace is its idle timeout.
   */
  private Future<Void> reapOne(WorkspaceId id, ActivityStore.Activity last, Optional<Integer> tabs, long now,
                               String fence, Tally tally) {
    return store.read(id).compose(rec -> {
      Optional<Route> route = rec.flatMap(r -> r.route());
      Profile profile = route.map(r -> config.profiles().get(r.profile())).orElse(null);
      if (route.isEmpty() || profile == null) {
        return Future.succeededFuture();
      }
      boolean closed = profile.fleet().hasClosedGrace() && tabs.isPresent() && tabs.get() == 0;
      long cutoff = now - (closed ? profile.fleet().shortestIdle() : profile.fleet().idleTimeout()).toMillis();
      if (last.atMillis() > cutoff) {
        tally.kept++;
        return Future.succeededFuture();
      }
      return store.reapRoute(id, route.get().launchId(), fence, cutoff, now).compose(result -> {
        if (result < 0) {
          tally.fenced = true;
          return Future.succeededFuture();
        }
        if (result == 0) {
          tally.kept++;
          return Future.succeededFuture();
        }
        log.info("workspace {}: idle for {} s (last: {}{}), stopping", id, (now - last.atMillis()) / 1000,
            last.reason(), closed ? "; all tabs closed" : "");
        meters.reaped(profile.name(), StopReason.IDLE.tag());
        return provider.stop(route.get().providerRef(), StopReason.IDLE).onSuccess(v -> tally.stopped++)
            .compose(v -> tabs.isPresent() ? activity.forgetTabs(id.value()) : Future.succeededFuture());
      });
    });
  }
}
