package io.wsgate.launch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.store.RedisStore;
import io.wsgate.time.Stopwatch;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides when a routed workspace is dead, and then unroutes and stops it, so the next request launches it afresh.
 *
 * <p>Dead means evidence that holds, not one bad moment. Either the workspace stopped by itself (its process or task
 * is gone: {@link #drop}), or every probe over {@code UNHEALTHY_WINDOW} found its port refusing connections
 * ({@link #suspect}). A reset, a timeout or a slow probe is also what a busy workspace looks like (a student's heavy
 * build, thousands of WebSocket handshakes at once), so those never count, and any answer at all, even a 5xx, ends
 * the verdict. Nor is a workspace dead while it still sends messages over the WebSockets it has open (a full
 * accept queue refuses new connections from a process that works): {@link #signsOfLife} vetoes the verdict. One verdict runs per launch at a time; requests never wait for it, they stay routed meanwhile.
 */
public final class RouteHealth {

  private static final Logger log = LoggerFactory.getLogger(RouteHealth.class);
  /** Probes after the first, spread evenly over the window. */
  static final int LATER_PROBES = 4;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final RedisStore store;
  private final WorkspaceProvider provider;
  private final ReadinessProbe probe;
  private final Duration window;
  private final Map<String, Future<Boolean>> verdicts = new ConcurrentHashMap<>();
  private final Map<WorkspaceId, Future<Boolean>> drops = new ConcurrentHashMap<>();
  private volatile SignsOfLife signsOfLife = (id, within) -> false;

  /** What else, besides probes, shows that a workspace lives. */
  @FunctionalInterface
  public interface SignsOfLife {
    /** Whether workspace {@code id} sent something over an open connection within {@code window}. */
    boolean spokeWithin(WorkspaceId id, Duration window);
  }

  RouteHealth(Vertx vertx, GatewayConfig config, RedisStore store, WorkspaceProvider provider, ReadinessProbe probe) {
    this.vertx = vertx;
    this.config = config;
    this.store = store;
    this.provider = provider;
    this.probe = probe;
    this.window = config.fleet().unhealthyWindow();
  }

  /** Where verdicts look for signs of life besides probes (the relayed WebSockets' messages from the workspace). */
  public void signsOfLife(SignsOfLife source) {
    this.signsOfLife = java.util.Objects.requireNonNull(source, "source");
  }

  /**
   * The workspace behind {@code route} is gone (it stopped by itself, or a verdict found it dead): removes that very
   * launch's route, never a newer one, and stops what is left of it. Completes with whether this call dropped it.
   */
  public Future<Boolean> drop(Route route, String why) {
    Future<Boolean> drop = store.dropRoute(route.id(), route.launchId()).onSuccess(dropped -> {
      if (dropped) {
        log.warn("workspace {}: route to {} dropped: {}", route.id(), route.endpoint(), why);
        provider.stop(route.providerRef(), StopReason.UNHEALTHY).onFailure(err -> log.warn("could not stop {} ({}): {}",
            route.providerRef(), StopReason.UNHEALTHY.tag(), err.toString()));
      }
    });
    drops.put(route.id(), drop);
    drop.onComplete(ar -> drops.remove(route.id(), drop));
    return drop;
  }

  /**
   * A connection to the workspace failed ({@code why}): probes it now and over the window, and drops it only if every
   * probe was refused. Completes with whether it was dropped; a verdict already under way for the same launch is
   * joined, not repeated.
   */
  public Future<Boolean> suspect(Route route, String why) {
    Future<Boolean> running = verdicts.get(route.launchId());
    if (running != null) {
      return running;
    }
    Promise<Boolean> verdict = Promise.promise();
    Future<Boolean> raced = verdicts.putIfAbsent(route.launchId(), verdict.future());
    if (raced != null) {
      return raced;
    }
    Profile profile = config.profiles().get(route.profile());
    String path = profile == null ? "/" : profile.readinessPath();
    Stopwatch took = Stopwatch.start();
    refusedThroughout(route, path, 0)
        .map(refused -> refused && !spokeMeanwhile(route, took))
        .compose(dead -> dead ? drop(route, why + ", and its port refused every probe for " + window.toSeconds() + " s")
            : Future.succeededFuture(false))
        .onComplete(ar -> {
          verdicts.remove(route.launchId(), verdict.future());
          verdict.handle(ar);
        });
    return verdict.future();
  }

  private boolean spokeMeanwhile(Route route, Stopwatch took) {
    if (!signsOfLife.spokeWithin(route.id(), Duration.ofNanos(took.elapsedNanos()))) {
      return false;
    }
    log.info("workspace {}: its port refused every probe for {} s, but it still sends messages over its open "
        + "WebSockets: kept", route.id(), window.toSeconds());
    return true;
  }

  private Future<Boolean> refusedThroughout(Route route, String path, int probesDone) {
    return probe.check(route.endpoint(), Launcher.authority(config, route.id()), path).compose(outcome -> {
      if (outcome != ReadinessProbe.Outcome.REFUSED) {
        return Future.succeededFuture(false);
      }
      if (probesDone == LATER_PROBES) {
        return Future.succeededFuture(true);
      }
      return vertx.timer(Math.max(1, window.toMillis() / LATER_PROBES))
          .compose(t -> refusedThroughout(route, path, probesDone + 1));
    });
  }

  /**
   * Completes once a route drop being recorded for {@code id} on this replica is done, so a request right after a
   * drop does not read the dead route back from Redis. Never waits for a verdict's window.
   */
  public Future<Void> dropSettled(WorkspaceId id) {
    Future<Boolean> drop = drops.get(id);
    return drop == null ? Future.succeededFuture() : drop.<Void>mapEmpty().otherwiseEmpty();
  }
}
