package io.wsgate.launch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.metrics.Meters;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.store.FleetStore;
import io.wsgate.store.LaunchFailure;
import io.wsgate.store.RedisStore;
import io.wsgate.store.RouteEvents;
import io.wsgate.store.WorkspaceRecord;
import io.wsgate.time.Deadline;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes a workspace run, exactly once however many requests ask at the same time on however many replicas.
 * Within a replica, concurrent callers share one future; across replicas, a Redis lock with expiry elects
 * one launcher (a crashed launcher's lock expires), and the others wait for its route event. The elected one runs
 * the {@link LaunchPipeline} (adopt, claim a warm member, or start one); a failed launch is recorded in Redis with an
 * exponential backoff, so a broken profile never launches in a loop. Whether a routed workspace is dead is
 * {@link RouteHealth}'s to decide.
 *
 * <p>Two clocks, never mixed (see {@link io.wsgate.time}): the injected {@link Clock} for the backoff that other
 * replicas read; the monotonic clock for how long this replica waits on another replica's launch.
 */
public final class Launcher {

  private static final Logger log = LoggerFactory.getLogger(Launcher.class);
  /** Added to the launch timeout for the lock's expiry and for when a launch under way counts as dead. */
  public static final long LOCK_MARGIN_MS = 15_000;
  private static final long WAIT_POLL_MS = 500;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final RedisStore store;
  private final ReadinessProbe probe;
  private final LaunchPipeline pipeline;
  private final Clock clock;
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
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.probe = new ReadinessProbe(vertx, probeClient);
    this.health = new RouteHealth(vertx, config, store, provider, probe);
    this.pipeline = new LaunchPipeline(config, store, provider, probe,
        new WarmClaim(config, new FleetStore(store), provider, new AssignHook(probeClient, config.launchTimeout())),
        health, clock, meters);
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
        return store.tryLock(id, token, Duration.ofMillis(lockTtlMs(config))).compose(locked -> {
          if (locked) {
            return launchLocked(id, profile, token, attempts);
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
   * Launches {@code id} under the launch lock {@code token}, unless another replica published its route between
   * this replica's read and its lock (it launched and let go of the lock in that gap): then that route is the
   * answer and the lock is given back, so no second copy is started.
   */
  Future<Route> launchLocked(WorkspaceId id, Profile profile, String token, int attempts) {
    return store.read(id).compose(rec -> {
      Optional<Route> published = rec.flatMap(WorkspaceRecord::route);
      if (published.isPresent()) {
        return store.releaseLock(id, token).map(published.get());
      }
      return pipeline.run(id, profile, token, attempts);
    });
  }

  /** Routes a running workspace Redis had no route for, under the launch lock {@code token} (restart adoption). */
  Future<Optional<Route>> publishAdopted(WorkspaceId id, Profile profile, ProvisionedWorkspace pw, String token,
                                         long ms) {
    return pipeline.publishAdopted(id, profile, pw, token, ms);
  }

  /** Decides when a routed workspace is dead; drops and stops it then. */
  public RouteHealth health() {
    return health;
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

  /** How long a launch lock lives: a launcher that died lets go of it after this. */
  static long lockTtlMs(GatewayConfig config) {
    return config.launchTimeout().toMillis() + LOCK_MARGIN_MS;
  }

  private long now() {
    return clock.millis();
  }

  static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }
}
