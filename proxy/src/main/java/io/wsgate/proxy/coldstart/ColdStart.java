package io.wsgate.proxy.coldstart;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.wsgate.config.GatewayConfig;
import io.wsgate.launch.CapacityException;
import io.wsgate.launch.LaunchException;
import io.wsgate.launch.Launcher;
import io.wsgate.metrics.Meters;
import io.wsgate.proxy.auth.LaunchGuard;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.proxy.error.GatewayFailure;
import io.wsgate.proxy.http.RequestLoop;
import io.wsgate.proxy.routing.WorkspaceRequest;
import io.wsgate.workspace.Route;
import io.wsgate.proxy.routing.RouteCache;
import io.wsgate.store.RedisStore;
import io.wsgate.workspace.WorkspaceId;
import io.wsgate.workspace.WorkspaceState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * What happens to a request for a workspace that has no cached route: look it up in Redis (another
 * replica may run it), else launch it. A browser navigation gets the waiting page at once; any other
 * request, WebSocket upgrades included, is held until the workspace is ready, up to the hold timeout.
 * Also serves the status endpoint the waiting page polls.
 */
public final class ColdStart {

  private static final Logger log = LoggerFactory.getLogger(ColdStart.class);
  /** How long a browser navigation waits for a launch before it gets the waiting page. */
  static final long NAVIGATION_WAIT_MS = 1_500;

  private final GatewayConfig config;
  private final Launcher launcher;
  private final RouteCache routes;
  private final RedisStore store;
  private final Clock clock;
  private final Meters meters;
  private final LaunchGuard guard;

  public ColdStart(GatewayConfig config, Launcher launcher, RouteCache routes, RedisStore store, Clock clock,
                   LaunchGuard guard, Meters meters) {
    this.meters = meters;
    this.guard = guard;
    this.config = config;
    this.launcher = launcher;
    this.routes = routes;
    this.store = store;
    this.clock = clock;
  }

  /**
   * Serves {@code r} once its workspace has a route: found in Redis, or launched now. Every step below runs on
   * the request's event loop ({@code ctx}); any failure ends in {@link #refuse}.
   *
   * @param forward continues with the request once a route is known (on the request's context)
   */
  public void handle(WorkspaceRequest r, Context ctx, BiConsumer<WorkspaceRequest, RouteCache.LiveRoute> forward) {
    HttpServerRequest req = r.http();
    req.pause();
    boolean navigation = isNavigation(req);
    RequestLoop.resumeOn(ctx, findRoute(r.id()))
        .compose(found -> found != null ? Future.succeededFuture(found) : launchAndWait(r, ctx, navigation))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            forward.accept(r, ar.result());
            return;
          }
          req.resume();
          if (ar.cause() == SHOW_WAITING_PAGE) {
            sendWaitingPage(req, r.id());
          } else {
            refuse(req, GatewayFailure.from(ar.cause(), GatewayError.REDIS_UNAVAILABLE));
          }
        });
  }

  /** A browser navigation waited long enough: it gets the waiting page, which polls until the workspace is up. */
  private static final Throwable SHOW_WAITING_PAGE = new RuntimeException("show the waiting page", null, false, false) {
  };

  private Future<RouteCache.LiveRoute> launchAndWait(WorkspaceRequest r, Context ctx, boolean navigation) {
    return RequestLoop.resumeOn(ctx, refuseIfStoppedIdle(r.id(), navigation))
        .compose(v -> RequestLoop.resumeOn(ctx, admit(r)))
        .compose(permit -> RequestLoop.resumeOn(ctx, startAndWait(r.id(), permit, navigation)));
  }

  /** The route another replica (or an earlier request) recorded in Redis, or null if there is none. */
  private Future<RouteCache.LiveRoute> findRoute(WorkspaceId id) {
    return launcher.health().dropSettled(id).compose(v -> routes.load(id)).recover(err -> {
      if (store.reachability().inOutage()) {
        log.debug("workspace {}: redis lookup failed: {}", id, err.toString()); // the outage is logged once
      } else {
        log.warn("workspace {}: redis lookup failed: {}", id, err.toString());
      }
      return Future.failedFuture(GatewayFailure.of(GatewayError.REDIS_UNAVAILABLE));
    });
  }

  /**
   * Fails if {@code id} was stopped for idleness and this is not a person opening it: a workspace is started again
   * by someone navigating to it, not by what an open tab does on its own (an IDE's reconnects, background
   * requests), else an untouched tab would relaunch it forever.
   */
  private Future<Void> refuseIfStoppedIdle(WorkspaceId id, boolean navigation) {
    if (navigation) {
      return Future.succeededFuture();
    }
    return store.stoppedIdle(id).otherwise(false).compose(asleep -> asleep
        ? Future.failedFuture(GatewayFailure.of(GatewayError.STOPPED_IDLE))
        : Future.succeededFuture());
  }

  /** The guard decides first: who launches, with which profile, and whether limits allow it now. */
  private Future<LaunchGuard.Permit> admit(WorkspaceRequest r) {
    return guard.admit(r).recover(err -> {
      if (!(err instanceof GatewayFailure) && !store.reachability().inOutage()) {
        log.warn("workspace {}: launch admission failed: {}", r.id(), err.toString());
      }
      return Future.failedFuture(err);
    });
  }

  /**
   * Starts (or joins) the launch and holds the request until the route is up: up to the hold timeout, or briefly
   * for a browser navigation, which then gets the waiting page (warm claims and quick failures need none).
   */
  private Future<RouteCache.LiveRoute> startAndWait(WorkspaceId id, LaunchGuard.Permit permit, boolean navigation) {
    if (navigation) {
      store.clearStoppedIdle(id); // a person opened it: the tab's own requests may wait for it again
    }
    Future<Route> launch = launcher.ensureRunning(id, permit.profile());
    launch.onComplete(ar -> permit.release());
    launch.onSuccess(routes::put);
    long wait = navigation ? Math.min(NAVIGATION_WAIT_MS, config.holdTimeout().toMillis())
        : config.holdTimeout().toMillis();
    long heldSince = meters.heldStarted();
    return launch.timeout(wait, TimeUnit.MILLISECONDS).transform(ar -> {
      if (ar.succeeded()) {
        meters.heldFinished(heldSince, "ready");
        RouteCache.LiveRoute live = routes.get(id);
        return Future.succeededFuture(live != null ? live : routes.put(ar.result()));
      }
      Throwable err = ar.cause();
      if (navigation && !(err instanceof LaunchException) && !(err instanceof CapacityException)) {
        meters.heldFinished(heldSince, "waiting_page");
        return Future.failedFuture(SHOW_WAITING_PAGE);
      }
      GatewayFailure failure = GatewayFailure.from(err,
          store.reachability().inOutage() ? GatewayError.REDIS_UNAVAILABLE : GatewayError.STILL_STARTING);
      meters.heldFinished(heldSince, failure.kind().tag());
      return Future.failedFuture(failure);
    });
  }

  private void sendWaitingPage(HttpServerRequest req, WorkspaceId id) {
    meters.waitingPageSent();
    req.response().setStatusCode(200)
        .putHeader("content-type", "text/html; charset=utf-8")
        .putHeader("cache-control", "no-store")
        .end(WaitingPage.render(id));
  }

  /** Answers a request the gateway could not serve, and counts it. */
  private void refuse(HttpServerRequest req, GatewayFailure failure) {
    meters.requestFinished(failure.kind().tag(), failure.kind().status());
    ErrorResponses.send(req, failure);
  }

  /** {@code GET /__wsgate/status} on a workspace host: the launch's state, phase and failure. */
  public void status(WorkspaceRequest r, Context ctx) {
    HttpServerRequest req = r.http();
    WorkspaceId id = r.id();
    if (!WaitingPage.STATUS_PATH.equals(req.path())) {
      ErrorResponses.send(req, GatewayError.NOT_FOUND, "No such gateway endpoint.", 0);
      return;
    }
    Future<JsonObject> status = routes.get(id) != null
        ? Future.succeededFuture(new JsonObject().put("state", "running"))
        : readStatus(id);
    RequestLoop.resumeOn(ctx, status).onComplete(ar -> {
      if (ar.failed()) {
        ErrorResponses.send(req, GatewayFailure.of(GatewayError.REDIS_UNAVAILABLE));
        return;
      }
      req.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
          .end(ar.result().encode());
    });
  }

  private Future<JsonObject> readStatus(WorkspaceId id) {
    long now = clock.millis();
    return store.read(id).compose(rec -> {
      if (rec.isPresent() && rec.get().state() == WorkspaceState.RUNNING) {
        return Future.succeededFuture(new JsonObject().put("state", "running"));
      }
      if (rec.isPresent()) {
        return Future.succeededFuture(new JsonObject().put("state", "starting").put("phase", rec.get().phase())
            .put("elapsedMs", now - rec.get().sinceMillis()));
      }
      return store.failure(id).map(f -> {
        if (f.isPresent() && f.get().retryAtMillis() > now) {
          return new JsonObject().put("state", "failed").put("reason", f.get().reason())
              .put("retryAfter", Math.max(1, (f.get().retryAtMillis() - now + 999) / 1000));
        }
        return new JsonObject().put("state", launcher.isLaunching(id) ? "starting" : "stopped");
      });
    });
  }

  static boolean isNavigation(HttpServerRequest req) {
    return (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD) && ErrorResponses.wantsHtml(req)
        && !req.canUpgradeToWebSocket();
  }
}
