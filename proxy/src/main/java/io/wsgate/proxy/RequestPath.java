package io.wsgate.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.wsgate.activity.ActivityTracker;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.launch.Launcher;
import io.wsgate.metrics.Meters;
import io.wsgate.proxy.coldstart.ColdStart;
import io.wsgate.proxy.edge.SecurityLayer;
import io.wsgate.proxy.http.HttpForwarder;
import io.wsgate.proxy.http.PerEventLoop;
import io.wsgate.proxy.http.UpstreamFailureListener;
import io.wsgate.proxy.http.WorkspaceDialer;
import io.wsgate.proxy.routing.HostParser;
import io.wsgate.proxy.routing.ReservedPaths;
import io.wsgate.proxy.routing.RouteCache;
import io.wsgate.proxy.ws.WebSocketRelay;
import io.wsgate.store.RedisStore;
import io.wsgate.store.RouteEvents;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Everything a request meets between the gateway's socket and the workspace's: the gateway verticles' shared
 * services and the clients they open upstream. The gateway builds one; the warm-up builds a private one of the same
 * classes, with meters, activity and routes of its own.
 */
record RequestPath(GatewayVerticle.GatewayServices services, RouteCache routes, WebSocketRelay relay,
                   HttpForwarder forwarder, PerEventLoop<WorkspaceDialer> upgradeDialers) {

  /** Largest WebSocket frame or message relayed; code-server sends multi-megabyte messages. */
  static final int MAX_WEBSOCKET_FRAME = 16 * 1024 * 1024;
  /** How long a connection to a workspace is kept idle for the next request. */
  static final long UPSTREAM_KEEP_ALIVE_MS = 30_000;

  static RequestPath build(Vertx vertx, GatewayConfig config, HttpServerOptions listen, RedisStore store,
                           RouteEvents events, Launcher launcher, ActivityTracker activity, Meters meters,
                           Clock clock, UpstreamFailureListener failures) {
    Function<String, Profile.ActivityPolicy> policies = name -> {
      Profile p = config.profiles().get(name);
      return p == null ? Profile.ActivityPolicy.DEFAULT : p.fleet().activity();
    };
    HttpForwarder forwarder = new HttpForwarder(vertx, config.upstreamConnectTimeout().toMillis(),
        config.upstreamResponseTimeout().toMillis(), UPSTREAM_KEEP_ALIVE_MS, failures, activity, policies, meters);
    RouteCache routes = new RouteCache(store, events, config.routeCacheTtl(), forwarder::proxyFor);
    SecurityLayer security = SecurityLayer.create(vertx, config, store, clock);
    // each upgrade on a TCP connection of its own (WorkspaceUpgrade speaks the handshake's HTTP itself)
    PerEventLoop<WorkspaceDialer> upgrades = new PerEventLoop<>(() -> WorkspaceDialer.onThisLoop(vertx,
        config.upstreamConnectTimeout().toMillis()));
    WebSocketRelay relay = new WebSocketRelay(vertx, upgrades, config.upstreamConnectTimeout().toMillis(),
        config.security().webSocketMaxMessage(), failures, activity, policies, meters);
    // strict thread mode: connections write directly, with no cross-thread queue, so every response must be written
    // on its request's event loop (see RequestLoop)
    HttpServerOptions serverOptions = security.configure(new HttpServerOptions(listen)
        .setMaxWebSocketFrameSize(MAX_WEBSOCKET_FRAME).setMaxWebSocketMessageSize(MAX_WEBSOCKET_FRAME)
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
        .setWebSocketSubProtocols(List.of("*"))
        .setIdleTimeout(120)
        .setStrictThreadMode(true));
    var services = new GatewayVerticle.GatewayServices(config, serverOptions, new HostParser(config.baseDomain()),
        routes, new ColdStart(config, launcher, routes, store, clock, security.launchGuard(), meters), relay,
        reservedPaths(config), security);
    return new RequestPath(services, routes, relay, forwarder, upgrades);
  }

  /** The assign hooks of all profiles (and the demo's) are the gateway's alone. */
  private static ReservedPaths reservedPaths(GatewayConfig config) {
    List<String> paths = new ArrayList<>(List.of("/wsgate/assign"));
    config.profiles().values().forEach(p -> paths.add(p.fleet().assignPath()));
    return new ReservedPaths(paths);
  }

  /** Closes the upstream clients; for a path whose verticles are gone (the warm-up's). */
  Future<Void> closeClients() {
    List<Future<Void>> closed = new ArrayList<>();
    closed.add(forwarder.close());
    upgradeDialers.all().forEach(d -> closed.add(d.close()));
    return Future.join(closed).mapEmpty();
  }
}
