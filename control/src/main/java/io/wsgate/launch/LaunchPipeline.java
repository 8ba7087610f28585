package io.wsgate.launch;

import io.vertx.core.Future;
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
import io.wsgate.time.Deadline;
import io.wsgate.time.Stopwatch;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One launch, run by the replica that holds the workspace's launch lock ({@link Launcher} sees to that): adopt the
 * copy the provider already runs, else claim a warm pool member, else start one within the running caps, wait until
 * it answers, and publish its route; a failure is recorded with its backoff and leaves nothing running.
 *
 * <p>Two clocks, never mixed (see {@link io.wsgate.time}): the injected {@link Clock} stamps what goes to Redis and
 * is compared by other replicas (when a launch began, when a backoff ends, reservations' staleness); how long this
 * launch may still take and how long it took are measured on the monotonic clock.
 */
final class LaunchPipeline {

  private static final Logger log = LoggerFactory.getLogger(Launcher.class);
  private static final long MAX_BACKOFF_MS = TimeUnit.MINUTES.toMillis(5);
  private static final long CAPACITY_RETRY_S = 30;
  /** {@code source} of a route to a workspace that already ran when its launch began. */
  private static final String ADOPTED = "adopted";

  private final GatewayConfig config;
  private final RedisStore store;
  private final FleetStore fleet;
  private final WorkspaceProvider provider;
  private final ReadinessProbe probe;
  private final WarmClaim warm;
  private final RouteHealth health;
  private final Clock clock;
  private final Meters meters;

  LaunchPipeline(GatewayConfig config, RedisStore store, WorkspaceProvider provider, ReadinessProbe probe,
                 WarmClaim warm, RouteHealth health, Clock clock, Meters meters) {
    this.config = config;
    this.store = store;
    this.fleet = new FleetStore(store);
    this.provider = provider;
    this.probe = probe;
    this.warm = warm;
    this.health = health;
    this.clock = clock;
    this.meters = meters;
  }

  /**
   * Under the launch lock: adopts the workspace if the provider already runs it, else claims a warm member, else
   * starts one.
   */
  Future<Route> run(WorkspaceId id, Profile profile, String token, int previousFailures) {
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
        .transform(ar -> probe.await(keep.endpoint(), Launcher.authority(config, id), profile.readinessPath(),
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
    return warm.claim(id, profile, Launcher.authority(config, id), started).compose(claimed -> {
      if (claimed.isEmpty()) {
        return cold(id, profile, token, previousFailures, started, took);
      }
      Route route = claimed.get();
      LaunchObservation observed = meters.launchStarted(id.value(), profile.name(), Meters.WARM, started,
          took.elapsedNanos());
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
        started - Launcher.lockTtlMs(config), false, "", config.profiles().keySet()).compose(reservation -> {
          if (reservation != FleetStore.Reservation.RESERVED) {
            log.warn("workspace {}: not launched, the fleet is at its running cap", id);
            return store.releaseLock(id, token).transform(ar -> Future.failedFuture(new CapacityException(
                "All workspaces are in use right now. Please try again in a minute.", CAPACITY_RETRY_S)));
          }
          log.info("workspace {}: launching ({}, {})", id, profile.name(), provider.name());
          LaunchObservation observed = meters.launchStarted(id.value(), profile.name(), Meters.COLD, started,
              took.elapsedNanos());
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
                  .compose(ok -> probe.await(pw.endpoint(), Launcher.authority(config, id), profile.readinessPath(), deadline,
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
        attempts, Launcher.seconds(backoff), reason);
    LaunchFailure failure = new LaunchFailure(reason, attempts, now() + backoff);
    return store.failLaunch(id, token, launchId, failure)
        .transform(ar -> Future.failedFuture(new LaunchException(reason, Launcher.seconds(backoff))));
  }

  private void stopQuietly(String ref, StopReason reason) {
    provider.stop(ref, reason).onFailure(err -> log.warn("could not stop {} ({}): {}", ref, reason.tag(), err.toString()));
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
}
