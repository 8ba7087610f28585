package io.wsgate.launch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.metrics.LaunchFailureReason;
import io.wsgate.metrics.LaunchObservation;
import io.wsgate.metrics.LaunchPhase;
import io.wsgate.metrics.Meters;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProviderException;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.store.FleetStore;
import io.wsgate.store.LaunchFailure;
import io.wsgate.store.RedisStore;
import io.wsgate.store.RouteEvents;
import io.wsgate.time.Deadline;
import io.wsgate.time.Stopwatch;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes a workspace run, exactly once however many requests ask at the same time on however many replicas.
 * Within a replica, concurrent callers share one future; across replicas, a Redis lock with expiry elects
 * one launcher (a crashed launcher's lock expires), and the others wait for its route event. The launcher
 * first claims a warm pool member, else starts a fresh workspace within the running caps. A failed launch
 * is recorded in Redis with an exponential backoff, so a broken profile never launches in a loop.
 *
 * <p>Two clocks, never mixed (see {@link io.wsgate.time}): the injected {@link Clock} stamps what goes to Redis and
 * is compared by other replicas (when a launch began, when a backoff ends, reservations' staleness); how long this
 * replica waits or has waited (the launch and readiness deadlines, giving up on another replica's launch, the
 * durations logged and recorded) is measured on the monotonic clock.
 */
public final class Launcher {

  private static final Logger log = LoggerFactory.getLogger(Launcher.class);
  private static final long MAX_BACKOFF_MS = TimeUnit.MINUTES.toMillis(5);
  /** Added to the launch timeout for the lock's expiry and for when a launch under way counts as dead. */
  public static final long LOCK_MARGIN_MS = 15_000;
  private static final long WAIT_POLL_MS = 500;
  private static final long CAPACITY_RETRY_S = 30;
  /** {@code source} of a route to a workspace that already ran when its launch began. */
  private static final String ADOPTED = "adopted";

  private final Vertx vertx;
  private final GatewayConfig config;
  private final RedisStore store;
  private final FleetStore fleet;
  private final WorkspaceProvider provider;
  private final ReadinessProbe probe;
  private final WarmClaim warm;
  private final Clock clock;
  private final Meters meters;
  private final String replica = UUID.randomUUID().toString().substring(0, 8);
  private final Map<WorkspaceId, Future<Route>> inflight = new ConcurrentHashMap<>();
  private final Map<WorkspaceId, List<Promise<Void>>> waiters = new ConcurrentHashMap<>();
  private final RouteHealth health;

  public Launcher(Vertx vertx, GatewayConfig config, RedisStore store, WorkspaceProvider provider,
                  HttpClient probeClient, RouteEvents events, Clock clock) {
    this(vertx, config, store, provider, probeClient, events, clock, Meters.noop());
  }

  public Launcher(Vertx vertx, GatewayConfig config, RedisStore store, WorkspaceProvider provider,
                  HttpClient probeClient, RouteEvents events, Clock clock, Meters meters) {
    this.meters = meters;
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.fleet = new FleetStore(store);
    this.provider = provider;
    this.probe = new ReadinessProbe(vertx, probeClient);
    this.warm = new WarmClaim(config, fleet, provider, new AssignHook(probeClient));
    this.health = new RouteHealth(vertx, config, store, provider, probe);
    this.clock = clock;
    events.onEvent(e -> wake(e.id()));
  }

  /**
   * The route of a running workspace, launching it if needed. Fails with {@link LaunchException} or
   * {@link CapacityException}.
   */
  public Future<Route> ensureRunning(WorkspaceId id, Profile profile) {
    Future<Route> existing = inflight.get(id);
    if (existing != null) {
      return existing;
    }
    Promise<Route> mine = Promise.promise();
    Future<Route> raced = inflight.putIfAbsent(id, mine.future());
    if (raced != null) {
      return raced;
    }
    Deadline giveUp = Deadline.after(config.launchTimeout().multipliedBy(2).plusMillis(LOCK_MARGIN_MS));
    attempt(id, profile, giveUp).onComplete(ar -> {
      inflight.remove(id, mine.future());
      mine.handle(ar);
    });
    return mine.future();
  }

  /** Whether this replica is launching or waiting for {@code id}. */
  public boolean isLaunching(WorkspaceId id) {
    return inflight.containsKey(id);
  }

  private Future<Route> attempt(WorkspaceId id, Profile profile, Deadline giveUp) {
    return store.read(id).compose(rec -> {
      if (rec.isPresent() && rec.get().route().isPresent()) {
        return Future.succeededFuture(rec.get().route().get());
      }
      return store.failure(id).compose(failure -> {
        long now = now();
        if (failure.isPresent() && failure.get().retryAtMillis() > now) {
          return Future.failedFuture(new LaunchException(failure.get().reason(),
              seconds(failure.get().retryAtMillis() - now)));
        }
        int attempts = failure.map(LaunchFailure::attempts).orElse(0);
        String token = replica + ":" + UUID.randomUUID();
        return store.tryLock(id, token, Duration.ofMillis(lockTtlMs())).compose(locked -> {
          if (locked) {
            return launch(id, profile, token, attempts);
          }
          if (giveUp.passed()) {
            return Future.failedFuture(new LaunchException("another gateway's launch of this workspace did not finish",
                seconds(config.launchRetryBackoff().toMillis())));
          }
          return waitForChange(id).compose(v -> attempt(id, profile, giveUp));
        });
      });
    });
  }

  /**
   * Under the launch lock: adopts the workspace if the provider already runs it, else claims a warm member, else
   * starts one.
   */
  private Future<Route> launch(WorkspaceId id, Profile profile, String token, int previousFailures) {
    Stopwatch took = Stopwatch.start();
    return provider.running(id)
        .compose(running -> running.isEmpty() ? Future.succeededFuture(Optional.<Route>empty())
            : adoptRunning(id, profile, token, running, took))
        .compose(adopted -> adopted.isPresent() ? Future.succeededFuture(adopted.get())
            : claimOrStart(id, profile, token, previousFailures, took));
  }

  /**
   * The provider runs {@code id} though Redis had no route for it (Redis lost its data, or a launcher died between
   * starting it and publishing it): route the running copy once it answers, and stop any further copies. One that
   * does not answer within the launch timeout is stopped, and the caller starts afresh; either way, at most one
   * copy runs when this completes.
   */
  private Future<Optional<Route>> adoptRunning(WorkspaceId id, Profile requested, String token,
                                               List<ProvisionedWorkspace> running, Stopwatch took) {
    ProvisionedWorkspace keep = running.get(0);
    List<Future<Void>> duplicates = new ArrayList<>();
    for (ProvisionedWorkspace extra : running.subList(1, running.size())) {
      log.warn("workspace {}: stopping a second copy {} (keeping {})", id, extra.ref(), keep.ref());
      duplicates.add(provider.stop(extra.ref(), StopReason.DUPLICATE));
    }
    Profile profile = config.profiles().getOrDefault(keep.profile(), requested);
    return Future.join(duplicates)
        .transform(ar -> probe.await(keep.endpoint(), authority(id), profile.readinessPath(),
            Deadline.after(config.launchTimeout()), keep.terminated()))
        .compose(v -> provider.confirmEndpoint(keep))
        .compose(v -> publishAdopted(id, profile, keep, token, took.elapsedMillis()))
        .compose(route -> route.isPresent() ? Future.succeededFuture(route)
            : Future.failedFuture(new LaunchException("the running workspace could not be recorded", 1)),
            err -> {
              log.warn("workspace {}: running copy {} does not answer ({}); stopping it before a fresh start", id,
                  keep.ref(), err.getMessage());
              return provider.stop(keep.ref(), StopReason.UNHEALTHY).map(Optional.<Route>empty());
            });
  }

  /**
   * Routes {@code pw}, a running workspace Redis had no route for, under the launch lock {@code token}, and drops
   * the route again when it stops. Completes with the route, or empty if the lock was lost.
   */
  Future<Optional<Route>> publishAdopted(WorkspaceId id, Profile profile, ProvisionedWorkspace pw, String token,
                                         long ms) {
    Route route = new Route(id, profile.name(), pw.endpoint(), pw.ref(), pw.launchId(), now());
    return store.publishRoute(route, token, ADOPTED, ms).map(won -> {
      if (!won) {
        return Optional.empty();
      }
      log.info("workspace {}: adopted the running {} at {}", id, pw.ref(), pw.endpoint());
      pw.terminated().onSuccess(reason -> health.drop(route, reason));
      return Optional.of(route);
    });
  }

  private Future<Route> claimOrStart(WorkspaceId id, Profile profile, String token, int previousFailures,
                                     Stopwatch took) {
    long started = now();
    return warm.claim(id, profile, authority(id), started).compose(claimed -> {
      if (claimed.isEmpty()) {
        return cold(id, profile, token, previousFailures, started, took);
      }
      Route route = claimed.get();
      LaunchObservation observed = meters.launchStarted(id.value(), profile.name(), Meters.WARM, started);
      observed.phaseDone(LaunchPhase.CLAIM);
      return store.publishRoute(route, token, Meters.WARM, took.elapsedMillis()).compose(won -> {
        if (!won) {
          stopQuietly(route.providerRef(), StopReason.LAUNCH_FAILED);
          observed.failed(LaunchFailureReason.LOCK_LOST);
          return Future.failedFuture(new LaunchException("the warm workspace could not be recorded", 1));
        }
        observed.succeeded();
        log.info("workspace {}: warm pool member {} assigned in {} ms", id, route.endpoint(), took.elapsedMillis());
        return Future.succeededFuture(route);
      });
    });
  }

  /**
   * @param started when the launch began on the injected clock (recorded in Redis)
   * @param took    the same moment on the monotonic clock (the launch deadline and the durations)
   */
  private Future<Route> cold(WorkspaceId id, Profile profile, String token, int previousFailures, long started,
                             Stopwatch took) {
    String launchId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Deadline deadline = Deadline.after(config.launchTimeout().minusMillis(took.elapsedMillis()));
    AtomicReference<ProvisionedWorkspace> provisioned = new AtomicReference<>();
    AtomicBoolean gaveUp = new AtomicBoolean();
    return fleet.reserve(launchId, profile.name(), config.fleet().maxRunning(), profile.fleet().maxRunning(), started,
        started - lockTtlMs(), false, "", config.profiles().keySet()).compose(reservation -> {
          if (reservation != FleetStore.Reservation.RESERVED) {
            log.warn("workspace {}: not launched, the fleet is at its running cap", id);
            return store.releaseLock(id, token).transform(ar -> Future.failedFuture(new CapacityException(
                "All workspaces are in use right now. Please try again in a minute.", CAPACITY_RETRY_S)));
          }
          log.info("workspace {}: launching ({}, {})", id, profile.name(), provider.name());
          LaunchObservation observed = meters.launchStarted(id.value(), profile.name(), Meters.COLD, started);
          return store.markStarting(id, token, profile.name(), "starting the workspace", started, launchId)
              .onSuccess(ok -> observed.phaseDone(LaunchPhase.CLAIM))
              .compose(ok -> {
                Future<ProvisionedWorkspace> launched = provider.launch(new LaunchRequest(id, profile, launchId));
                launched.onSuccess(pw -> {
                  provisioned.set(pw);
                  if (gaveUp.get()) {
                    stopQuietly(pw.ref(), StopReason.LAUNCH_FAILED);
                  }
                });
                return launched.timeout(Math.max(1, deadline.remainingMillis()), TimeUnit.MILLISECONDS);
              })
              .onSuccess(pw -> observed.phaseDone(LaunchPhase.PROVIDER_START))
              .compose(pw -> store.setPhase(id, token, launchId, "waiting for the workspace to answer")
                  .compose(ok -> probe.await(pw.endpoint(), authority(id), profile.readinessPath(), deadline,
                      pw.terminated()))
                  .compose(v -> provider.confirmEndpoint(pw))
                  .map(v -> pw))
              .onSuccess(pw -> observed.phaseDone(LaunchPhase.READINESS))
              .compose(pw -> publish(id, profile, token, launchId, pw, took))
              .onSuccess(route -> observed.succeeded())
              .recover(err -> {
                observed.failed(LaunchFailures.classify(err, observed.phase()));
                gaveUp.set(true);
                ProvisionedWorkspace pw = provisioned.get();
                // the failed workspace is gone before the failure is reported: nothing half-started bills on
                Future<Void> stopped = pw == null ? Future.succeededFuture()
                    : provider.stop(pw.ref(), StopReason.LAUNCH_FAILED).recover(e -> {
                      log.warn("could not stop failed launch {}: {}", pw.ref(), e.toString());
                      return Future.succeededFuture();
                    });
                return stopped.transform(ar -> fleet.release(launchId, profile.name()))
                    .transform(ar -> failed(id, token, launchId, previousFailures, took, err));
              });
        });
  }

  private Future<Route> publish(WorkspaceId id, Profile profile, String token, String launchId,
                                ProvisionedWorkspace pw, Stopwatch took) {
    Route route = new Route(id, profile.name(), pw.endpoint(), pw.ref(), launchId, now());
    return store.publishRoute(route, token, Meters.COLD, took.elapsedMillis()).compose(won -> {
      if (!won) {
        return Future.failedFuture(new ProviderException("the launch took longer than its lock allowed"));
      }
      log.info("workspace {}: ready at {} after {} ms", id, pw.endpoint(), took.elapsedMillis());
      pw.terminated().onSuccess(reason -> health.drop(route, reason));
      return Future.succeededFuture(route);
    });
  }

  private Future<Route> failed(WorkspaceId id, String token, String launchId, int previousFailures, Stopwatch took,
                               Throwable err) {
    String reason = reason(err);
    int attempts = previousFailures + 1;
    long backoff = Math.min(MAX_BACKOFF_MS, config.launchRetryBackoff().toMillis() << Math.min(20, attempts - 1));
    log.warn("workspace {}: launch failed after {} ms (attempt {}, next try in {} s): {}", id, took.elapsedMillis(),
        attempts, seconds(backoff), reason);
    LaunchFailure failure = new LaunchFailure(reason, attempts, now() + backoff);
    return store.failLaunch(id, token, launchId, failure)
        .transform(ar -> Future.failedFuture(new LaunchException(reason, seconds(backoff))));
  }

  /** Decides when a routed workspace is dead; drops and stops it then. */
  public RouteHealth health() {
    return health;
  }

  private void stopQuietly(String ref, StopReason reason) {
    provider.stop(ref, reason).onFailure(err -> log.warn("could not stop {} ({}): {}", ref, reason.tag(), err.toString()));
  }

  private Future<Void> waitForChange(WorkspaceId id) {
    Promise<Void> p = Promise.promise();
    waiters.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(p);
    vertx.setTimer(WAIT_POLL_MS, t -> {
      p.tryComplete();
      List<Promise<Void>> list = waiters.get(id);
      if (list != null) {
        list.remove(p);
      }
    });
    return p.future();
  }

  private void wake(WorkspaceId id) {
    List<Promise<Void>> list = waiters.remove(id);
    if (list != null) {
      list.forEach(Promise::tryComplete);
    }
  }

  /** The Host a workspace is reached at, sent with readiness probes and assign hooks. */
  public String authority(WorkspaceId id) {
    return authority(config, id);
  }

  static String authority(GatewayConfig config, WorkspaceId id) {
    return "ws-" + id.value() + "." + config.baseDomain();
  }

  ReadinessProbe probe() {
    return probe;
  }

  /** This replica's name in lock tokens and the leader lease. */
  public String replica() {
    return replica;
  }

  private long lockTtlMs() {
    return config.launchTimeout().toMillis() + LOCK_MARGIN_MS;
  }

  private static String reason(Throwable err) {
    if (err instanceof ProviderException || err instanceof LaunchException) {
      return err.getMessage();
    }
    if (err instanceof java.util.concurrent.TimeoutException) {
      return "the workspace did not start in time";
    }
    return "the workspace could not be started (" + err.getClass().getSimpleName()
        + (err.getMessage() == null ? "" : ": " + err.getMessage()) + ")";
  }

  private long now() {
    return clock.millis();
  }

  static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }
}
