package io.wsgate.control;

import io.vertx.core.Future;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.launch.Launcher;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.store.FleetStore;
import io.wsgate.store.PoolMember;
import io.wsgate.store.RedisStore;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import io.wsgate.metrics.Meters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares what the provider says runs with what Redis says: stops workspaces wsgate started but no longer
 * knows (a launcher that died mid-launch, a lost route), drops routes whose workspace is gone, and takes
 * vanished members off the warm pool. A workspace is only stopped as an orphan when two runs in a row find
 * it unknown, so a launch that is just being recorded is never mistaken for one.
 */
public final class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** What one run did. */
  public record Result(int provider, int orphansStopped, int suspects, int routesDropped, int poolMembersRemoved,
                       boolean fenced) {
  }

  private final GatewayConfig config;
  private final RedisStore store;
  private final FleetStore fleet;
  private final WorkspaceProvider provider;
  private final Meters meters;
  private Set<String> suspects = new HashSet<>();

  public Reconciler(GatewayConfig config, RedisStore store, WorkspaceProvider provider, Meters meters) {
    this.meters = meters;
    this.config = config;
    this.store = store;
    this.fleet = new FleetStore(store);
    this.provider = provider;
  }

  public Future<Result> runOnce(long now, String fence) {
    long staleBefore = now - config.launchTimeout().toMillis() - Launcher.LOCK_MARGIN_MS;
    Set<String> knownLaunches = new HashSet<>();
    List<Route> routes = new ArrayList<>();
    List<PoolMember> ready = new ArrayList<>();
    // Redis first, the provider after: listing takes time (ECS pages through ListTasks and DescribeTasks), and
    // a workspace that became ready meanwhile would be in Redis but not in an older listing, so it would lose
    // its route. In this order, whatever Redis knew was already running when the listing began.
    return collectRoutes(routes, knownLaunches)
        .compose(v -> collectPools(ready, knownLaunches, staleBefore))
        .compose(v -> provider.list())
        .compose(running -> act(running, routes, ready, knownLaunches, fence));
  }

  private Future<Void> collectRoutes(List<Route> routes, Set<String> known) {
    return fleet.running().compose(ids -> {
      List<Future<Void>> reads = new ArrayList<>();
      for (String id : ids) {
        if (!WorkspaceId.isValid(id)) {
          continue;
        }
        reads.add(store.read(new WorkspaceId(id)).map(rec -> {
          rec.flatMap(r -> r.route()).ifPresent(r -> {
            routes.add(r);
            known.add(r.launchId());
          });
          return null;
        }));
      }
      return Future.all(reads).mapEmpty();
    });
  }

  private Future<Void> collectPools(List<PoolMember> ready, Set<String> known, long staleBefore) {
    Future<Void> chain = Future.succeededFuture();
    for (Profile p : config.profiles().values()) {
      chain = chain
          .compose(v -> fleet.ready(p.name()).map(members -> {
            ready.addAll(members);
            members.forEach(m -> known.add(m.launchId()));
            return null;
          }))
          .compose(v -> fleet.starting(p.name()).map(ids -> known.addAll(ids)))
          .compose(v -> fleet.launchesUnderWay(p.name(), staleBefore).map(ids -> known.addAll(ids)))
          .mapEmpty();
    }
    return chain;
  }

  private Future<Result> act(List<ProvisionedWorkspace> running, List<Route> routes, List<PoolMember> ready,
                             Set<String> known, String fence) {
    Set<String> alive = new HashSet<>();
    Set<String> nextSuspects = new HashSet<>();
    List<Future<?>> actions = new ArrayList<>();
    int[] orphans = {0};
    for (ProvisionedWorkspace pw : running) {
      alive.add(pw.launchId());
      if (known.contains(pw.launchId())) {
        continue;
      }
      if (suspects.contains(pw.launchId())) {
        orphans[0]++;
        log.warn("stopping orphan {} (workspace '{}', launch {}): nothing in Redis refers to it", pw.ref(),
            pw.workspaceId(), pw.launchId());
        meters.reaped(config.profiles().containsKey(pw.profile()) ? pw.profile() : "unknown", StopReason.ORPHAN.tag());
        actions.add(provider.stop(pw.ref(), StopReason.ORPHAN));
      } else {
        nextSuspects.add(pw.launchId());
      }
    }
    suspects = nextSuspects;
    int[] dropped = {0};
    boolean[] fenced = {false};
    for (Route r : routes) {
      if (!alive.contains(r.launchId())) {
        actions.add(store.dropRoute(r.id(), r.launchId(), fence).onSuccess(res -> {
          if (res == 1) {
            dropped[0]++;
            log.warn("workspace {}: route to {} dropped, its workspace is gone", r.id(), r.endpoint());
          } else if (res < 0) {
            fenced[0] = true;
          }
        }));
      }
    }
    int[] removed = {0};
    for (PoolMember m : ready) {
      if (!alive.contains(m.launchId())) {
        for (Profile p : config.profiles().values()) {
          actions.add(fleet.removeReady(fence, p.name(), m).onSuccess(res -> {
            if (res == 1) {
              removed[0]++;
            } else if (res < 0) {
              fenced[0] = true;
            }
          }));
        }
      }
    }
    return Future.join(actions).transform(ar -> Future.succeededFuture(new Result(running.size(), orphans[0],
        suspects.size(), dropped[0], removed[0], fenced[0])));
  }
}
