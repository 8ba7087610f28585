package io.wsgate.control;

import io.vertx.core.Future;
import io.wsgate.auth.AssignSignature;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.launch.Launcher;
import io.wsgate.launch.ReadinessProbe;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.pool.PoolSizing;
import io.wsgate.store.FleetStore;
import io.wsgate.store.LaunchHistory;
import io.wsgate.store.PoolMember;
import io.wsgate.time.Deadline;
import io.wsgate.metrics.Meters;
import io.wsgate.metrics.PoolStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Keeps each profile's warm pool at its target (its schedule, or the adaptive policy's size above it): starts
 * members (counted against the running caps), lists them in Redis once they answer, and stops the surplus, oldest
 * first. Runs on the leader only; every
 * write is fenced. A run starts launches and returns; {@link Result#settled()} completes when they are done.
 */
public final class WarmPool {

  private static final Logger log = LoggerFactory.getLogger(WarmPool.class);

  /** A profile's pool after a run. */
  public record ProfileState(int target, int ready, int starting, int launched, int stopped, boolean atCapacity) {
  }

  /**
   * How the adaptive policy sized a profile's pool in the last run.
   *
   * @param target   the pool target it set
   * @param floor    the schedule's target at the time
   * @param forecast launches expected within one lead time (the Poisson mean)
   * @param leadMs   the lead time: the median of the profile's recent cold starts
   */
  public record Decision(int target, int floor, double forecast, long leadMs) {
  }

  /** Lead time assumed until a profile has cold starts of its own: Fargate's typical time to healthy. */
  public static final long DEFAULT_LEAD_MS = 90_000;

  /** What one run did, per profile; {@code settled} completes when the launches it started have finished. */
  public record Result(Map<String, ProfileState> profiles, Future<Void> settled) {
  }

  private final GatewayConfig config;
  private final FleetStore fleet;
  private final WorkspaceProvider provider;
  private final ReadinessProbe probe;
  private final LaunchHistory history;
  private final Meters meters;
  private final Map<String, ProfileState> last = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Decision> decisions = new java.util.concurrent.ConcurrentHashMap<>();

  public WarmPool(GatewayConfig config, FleetStore fleet, WorkspaceProvider provider, ReadinessProbe probe,
                  Meters meters) {
    this.meters = meters;
    this.config = config;
    this.fleet = fleet;
    this.provider = provider;
    this.probe = probe;
    this.history = fleet.history();
  }

  /** The target of {@code profile} at {@code now}, from its schedule in the configured time zone. */
  public int target(Profile profile, long now) {
    if (!profile.fleet().hasPool()) {
      return 0;
    }
    return profile.fleet().poolSchedule().targetAt(Instant.ofEpochMilli(now).atZone(config.fleet().poolTimeZone()));
  }

  /**
   * The target of {@code profile} at {@code now} under its policy: the schedule, or for the adaptive policy the
   * base-stock size from its launch history (see {@link PoolSizing}), at least the schedule's and at most its
   * maximum unless the schedule asks for more.
   */
  public Future<Integer> targetFor(Profile profile, long now) {
    int floor = target(profile, now);
    Profile.PoolPolicy policy = profile.fleet().poolPolicy();
    if (!policy.adaptive() || !profile.fleet().hasPool()) {
      return Future.succeededFuture(floor);
    }
    return history.read(profile.name(), now).map(snap -> {
      long lead = PoolSizing.leadTime(snap.coldStartsMs(), DEFAULT_LEAD_MS);
      double forecast = PoolSizing.forecast(now, lead, snap.launches(), snap.historyFrom());
      int size = Math.max(floor, Math.min(policy.max(), PoolSizing.baseStock(forecast, policy.risk())));
      decisions.put(profile.name(), new Decision(size, floor, forecast, lead));
      return size;
    });
  }

  /** The adaptive policy's last decision for {@code profile}, if it runs one. */
  public java.util.Optional<Decision> decision(String profile) {
    return java.util.Optional.ofNullable(decisions.get(profile));
  }

  /** The pool of {@code profile} as the last run left it, for the pool gauges (zeros off the leader). */
  public PoolStats.Counts counts(String profile) {
    ProfileState s = last.get(profile);
    if (s == null) {
      return PoolStats.Counts.ZERO;
    }
    Decision d = decisions.get(profile);
    return new PoolStats.Counts(s.target(), s.ready(), 0, s.starting(), d == null ? -1 : d.forecast());
  }

  public Future<Result> runOnce(long now, String fence) {
    Map<String, ProfileState> states = new LinkedHashMap<>();
    List<Future<Void>> settling = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Profile profile : config.profiles().values()) {
      if (!profile.fleet().hasPool()) {
        continue;
      }
      chain = chain.compose(v -> topUp(profile, now, fence, settling).map(state -> {
        states.put(profile.name(), state);
        last.put(profile.name(), state);
        return null;
      }));
    }
    return chain.map(v -> new Result(states, Future.join(settling).mapEmpty()));
  }

  private Future<ProfileState> topUp(Profile profile, long now, String fence, List<Future<Void>> settling) {
    long staleBefore = now - config.launchTimeout().toMillis() - Launcher.LOCK_MARGIN_MS;
    return targetFor(profile, now).compose(target -> fleet.poolState(profile.name()).compose(state -> {
      List<PoolMember> ready = state.ready();
      List<String> starting = state.starting();
      int have = ready.size() + starting.size();
      if (have < target) {
        return launchMembers(profile, target - have, now, staleBefore, fence, settling).map(launched ->
            new ProfileState(target, ready.size(), starting.size() + launched, launched, 0, launched < target - have));
      }
      int surplus = Math.min(have - target, ready.size());
      return stopSurplus(profile, ready.subList(0, surplus), fence).map(stopped ->
          new ProfileState(target, ready.size() - stopped, starting.size(), 0, stopped, false));
    }));
  }

  private Future<Integer> launchMembers(Profile profile, int count, long now, long staleBefore, String fence,
                                        List<Future<Void>> settling) {
    Future<Integer> launched = Future.succeededFuture(0);
    for (int i = 0; i < count; i++) {
      launched = launched.compose(n -> {
        if (n < 0) {
          return Future.succeededFuture(n);
        }
        String launchId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        return fleet.reserve(launchId, profile.name(), config.fleet().maxRunning(), profile.fleet().maxRunning(),
            now, staleBefore, true, fence, config.profiles().keySet()).map(r -> {
              if (r != FleetStore.Reservation.RESERVED) {
                return -1 - n; // stop launching; encode how many were started
              }
              settling.add(startMember(profile, launchId, now, fence));
              return n + 1;
            });
      });
    }
    return launched.map(n -> n < 0 ? -1 - n : n);
  }

  private Future<Void> startMember(Profile profile, String launchId, long now, String fence) {
    Deadline deadline = Deadline.after(config.launchTimeout());
    LaunchRequest request = LaunchRequest.poolMember(profile, launchId,
        AssignSignature.memberSecret(config.security().assignKeys().signing(), launchId));
    return provider.launch(request)
        .timeout(config.launchTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .compose(pw -> probe.await(pw.endpoint(), request.workspace().value() + "." + config.baseDomain(),
                profile.readinessPath(), deadline, pw.terminated())
            .compose(v -> provider.confirmEndpoint(pw))
            .compose(v -> fleet.promote(fence, profile.name(), new PoolMember(launchId, pw.ref(), pw.endpoint()), now))
            .compose(promoted -> {
              if (promoted == 1) {
                log.info("warm pool {}: member {} ready at {}", profile.name(), pw.ref(), pw.endpoint());
                watch(profile, pw, fence);
                return Future.<Void>succeededFuture();
              }
              return provider.stop(pw.ref(), StopReason.POOL_SURPLUS);
            })
            .recover(err -> provider.stop(pw.ref(), StopReason.LAUNCH_FAILED)
                .transform(ar -> Future.failedFuture(err))))
        .recover(err -> {
          log.warn("warm pool {}: member {} failed to start: {}", profile.name(), launchId, err.getMessage());
          return fleet.forgetStarting(fence, profile.name(), launchId).mapEmpty();
        });
  }

  /** A member that dies while waiting is taken off the ready list, so it is replaced and never claimed. */
  private void watch(Profile profile, ProvisionedWorkspace pw, String fence) {
    pw.terminated().onSuccess(reason -> fleet.removeReady("", profile.name(),
        new PoolMember(pw.launchId(), pw.ref(), pw.endpoint())));
  }

  private Future<Integer> stopSurplus(Profile profile, List<PoolMember> oldestFirst, String fence) {
    List<Future<Integer>> stops = new ArrayList<>();
    for (PoolMember m : oldestFirst) {
      stops.add(fleet.removeReady(fence, profile.name(), m).compose(removed -> {
        if (removed != 1) {
          return Future.succeededFuture(0);
        }
        log.info("warm pool {}: stopping surplus member {}", profile.name(), m.ref());
        meters.reaped(profile.name(), StopReason.POOL_SURPLUS.tag());
        return provider.stop(m.ref(), StopReason.POOL_SURPLUS).map(1);
      }));
    }
    return Future.all(stops).map(cf -> {
      int n = 0;
      for (int i = 0; i < cf.size(); i++) {
        n += cf.<Integer>resultAt(i);
      }
      return n;
    });
  }
}
