package io.wsgate.proxy.routing;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.wsgate.store.RedisStore;
import io.wsgate.store.RouteEvent;
import io.wsgate.store.RouteEvents;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * This replica's view of which workspaces run where, so the hot path never asks Redis. Entries learn of
 * changes at once through Redis pub/sub ({@link RouteEvents}); a bounded TTL is the safety net for a lost
 * event, and everything is flushed once a lost subscription is back (events may have been missed; while it is lost,
 * the cache is what keeps open workspaces served). The TTL is local elapsed time, on the monotonic clock.
 */
public final class RouteCache {

  /** A cached route with its ready-made forward, trusted until {@code expiresAtNanos} ({@link System#nanoTime}). */
  public record LiveRoute(Route route, Handler<HttpServerRequest> http, long expiresAtNanos) {
  }

  private final RedisStore store;
  private final long ttlNanos;
  private final Function<Route, Handler<HttpServerRequest>> proxyFactory;
  private final Map<WorkspaceId, LiveRoute> routes = new ConcurrentHashMap<>();

  public RouteCache(RedisStore store, RouteEvents events, Duration ttl,
                    Function<Route, Handler<HttpServerRequest>> proxyFactory) {
    this.store = store;
    this.ttlNanos = ttl.toNanos();
    this.proxyFactory = proxyFactory;
    events.onEvent(this::onEvent);
    events.onResync(routes::clear);
  }

  /** The cached route, or null if none is cached or it has expired. Never calls Redis. */
  public LiveRoute get(WorkspaceId id) {
    LiveRoute live = routes.get(id);
    if (live == null) {
      return null;
    }
    if (System.nanoTime() - live.expiresAtNanos() > 0) {
      routes.remove(id, live);
      return null;
    }
    return live;
  }

  /** Reads the route from Redis (a cache miss); null if the workspace is not running. */
  public Future<LiveRoute> load(WorkspaceId id) {
    return store.read(id).map(rec -> rec.flatMap(r -> r.route()).map(this::put).orElse(null));
  }

  public LiveRoute put(Route route) {
    LiveRoute old = routes.get(route.id());
    Handler<HttpServerRequest> forward = old != null && old.route().equals(route)
        ? old.http() : proxyFactory.apply(route);
    LiveRoute live = new LiveRoute(route, forward, System.nanoTime() + ttlNanos);
    routes.put(route.id(), live);
    return live;
  }

  public void invalidate(WorkspaceId id) {
    routes.remove(id);
  }

  public int size() {
    return routes.size();
  }

  private void onEvent(RouteEvent e) {
    LiveRoute live = routes.get(e.id());
    if (live == null) {
      return;
    }
    boolean same = live.route().launchId().equals(e.launchId());
    if (e.kind() == RouteEvent.Kind.DOWN || (e.kind() == RouteEvent.Kind.UP && !same)) {
      routes.remove(e.id(), live);
    }
  }
}
