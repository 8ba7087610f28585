package io.wsgate.proxy.coldstart;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.launch.CapacityException;
import io.wsgate.launch.LaunchException;
import io.wsgate.launch.Launcher;
import io.wsgate.metrics.Meters;
import io.wsgate.proxy.auth.LaunchGuard;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
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

  /** What a student is told while Redis is down or refuses writes. */
  static final String STATE_STORE_DOWN = "The gateway cannot start or find workspaces right now (it cannot reach its "
      + "state store). Workspaces that are open keep working. Try again in a few seconds.";

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
   * @param forward continues with the request once a route is known (on the request's context)
   */
  public void handle(HttpServerRequest req, WorkspaceId id, Context ctx,
                     BiConsumer<HttpServerRequest, RouteCache.LiveRoute> forward) {
    req.pause();
    onContext(ctx, launcher.health().dropSettled(id).compose(v -> routes.load(id))).onComplete(ar -> {
      if (ar.failed()) {
        req.resume();
        if (store.reachability().inOutage()) {
          log.debug("workspace {}: redis lookup failed: {}", id, ar.cause().toString()); // the outage is logged once
        } else {
          log.warn("workspace {}: redis lookup failed: {}", id, ar.cause().toString());
        }
        refuse(req, GatewayError.REDIS_UNAVAILABLE, STATE_STORE_DOWN, 5);
        return;
      }
      if (ar.result() != null) {
        forward.accept(req, ar.result());
        return;
      }
      launch(req, id, ctx, forward);
    });
  }

  private void launch(HttpServerRequest req, WorkspaceId id, Context ctx,
                      BiConsumer<HttpServerRequest, RouteCache.LiveRoute> forward) {
    // a workspace stopped for idleness is started again by a person opening it, not by what an open tab does
    // on its own (an IDE's reconnects, background requests): else an untouched tab would relaunch it forever
    Future<Boolean> stoppedIdle = isNavigation(req) ? Future.succeededFuture(false)
        : store.stoppedIdle(id).otherwise(false);
    onContext(ctx, stoppedIdle).onComplete(asleep -> {
      if (asleep.result()) {
        req.resume();
        refuse(req, GatewayError.STOPPED_IDLE, "This workspace was stopped because nobody used it for "
            + "a while. Your files are safe. Reload the page to start it again.", 0);
        return;
      }
      admit(req, id, ctx, forward);
    });
  }

  private void admit(HttpServerRequest req, WorkspaceId id, Context ctx,
                     BiConsumer<HttpServerRequest, RouteCache.LiveRoute> forward) {
    // the guard decides first: who launches, with which profile, and whether limits allow it now
    onContext(ctx, guard.admit(req, id)).onComplete(permit -> {
      if (permit.failed()) {
        req.resume();
        if (!LaunchGuard.answer(req, permit.cause())) {
          if (!store.reachability().inOutage()) {
            log.warn("workspace {}: launch admission failed: {}", id, permit.cause().toString());
          }
          ErrorResponses.send(req, GatewayError.REDIS_UNAVAILABLE, STATE_STORE_DOWN, 5);
        }
        return;
      }
      launchAdmitted(req, id, ctx, forward, permit.result());
    });
  }

  private void launchAdmitted(HttpServerRequest req, WorkspaceId id, Context ctx,
                              BiConsumer<HttpServerRequest, RouteCache.LiveRoute> forward, LaunchGuard.Permit permit) {
    Profile profile = permit.profile();
    boolean navigation = isNavigation(req);
    if (navigation) {
      store.clearStoppedIdle(id); // a person opened it: the tab's own requests may wait for it again
    }
    Future<io.wsgate.workspace.Route> launch = launcher.ensureRunning(id, profile);
    launch.onComplete(ar -> permit.release());
    launch.onSuccess(routes::put);
    // a browser waits briefly before the waiting page: warm claims and quick failures need no waiting page
    long wait = navigation ? Math.min(NAVIGATION_WAIT_MS, config.holdTimeout().toMillis())
        : config.holdTimeout().toMillis();
    long heldSince = meters.heldStarted();
    onContext(ctx, launch.timeout(wait, TimeUnit.MILLISECONDS)).onComplete(ar -> {
      if (ar.succeeded()) {
        meters.heldFinished(heldSince, "ready");
        forward.accept(req, routes.get(id) != null ? routes.get(id) : routes.put(ar.result()));
        return;
      }
      req.resume();
      Throwable err = ar.cause();
      if (navigation && !(err instanceof LaunchException) && !(err instanceof CapacityException)) {
        meters.heldFinished(heldSince, "waiting_page");
        meters.waitingPageSent();
        req.response().setStatusCode(200)
            .putHeader("content-type", "text/html; charset=utf-8")
            .putHeader("cache-control", "no-store")
            .end(WaitingPage.render(id));
        return;
      }
      GatewayError kind = err instanceof LaunchException ? GatewayError.LAUNCH_FAILED
          : err instanceof CapacityException ? GatewayError.AT_CAPACITY
          : store.reachability().inOutage() ? GatewayError.REDIS_UNAVAILABLE : GatewayError.STILL_STARTING;
      meters.heldFinished(heldSince, kind.tag());
      if (kind == GatewayError.REDIS_UNAVAILABLE) {
        refuse(req, kind, STATE_STORE_DOWN, 5);
      } else if (err instanceof LaunchException le) {
        refuse(req, kind, le.getMessage(), le.retryAfterSeconds());
      } else if (err instanceof CapacityException ce) {
        refuse(req, kind, ce.getMessage(), ce.retryAfterSeconds());
      } else {
        refuse(req, kind, "Your workspace is still starting. Try again in a few seconds.", 5);
      }
    });
  }

  /** Answers a request the gateway could not serve, and counts it. */
  private void refuse(HttpServerRequest req, GatewayError kind, String detail, long retryAfterSeconds) {
    meters.requestFinished(kind.tag(), kind.status());
    ErrorResponses.send(req, kind, detail, retryAfterSeconds);
  }


  /** {@code GET /__wsgate/status} on a workspace host: the launch's state, phase and failure. */
  public void status(HttpServerRequest req, WorkspaceId id, Context ctx) {
    if (!WaitingPage.STATUS_PATH.equals(req.path())) {
      ErrorResponses.send(req, GatewayError.NOT_FOUND, "No such gateway endpoint.", 0);
      return;
    }
    Future<JsonObject> status = routes.get(id) != null
        ? Future.succeededFuture(new JsonObject().put("state", "running"))
        : readStatus(id);
    onContext(ctx, status).onComplete(ar -> {
      if (ar.failed()) {
        ErrorResponses.send(req, GatewayError.REDIS_UNAVAILABLE, "The gateway cannot reach its state store.", 5);
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

  /** Continues on the request's own event loop whatever context completes {@code f}. */
  static <T> Future<T> onContext(Context ctx, Future<T> f) {
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> {
      if (Context.isOnEventLoopThread() && ctx == io.vertx.core.Vertx.currentContext()) {
        p.handle(ar);
      } else {
        ctx.runOnContext(v -> p.handle(ar));
      }
    });
    return p.future();
  }
}
