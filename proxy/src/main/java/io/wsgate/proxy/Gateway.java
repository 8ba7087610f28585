package io.wsgate.proxy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.wsgate.config.GatewayConfig;
import io.wsgate.launch.Launcher;
import io.wsgate.launch.ReadinessProbe;
import io.wsgate.provider.Providers;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.proxy.coldstart.ColdStart;
import io.wsgate.proxy.edge.SecurityLayer;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.proxy.http.HttpForwarder;
import io.wsgate.proxy.http.UpstreamFailureListener;
import io.wsgate.proxy.routing.HostParser;
import io.wsgate.proxy.routing.RouteCache;
import io.wsgate.proxy.ws.WebSocketRelay;
import io.wsgate.store.RedisStore;
import io.wsgate.store.RouteEvents;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running gateway: wires Redis, the provider, the launcher, the route cache and the gateway verticles
 * together, and takes them apart again. {@code Main} runs one; tests run several against one Redis.
 */
public final class Gateway {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  /** Largest WebSocket frame or message relayed; code-server sends multi-megabyte messages. */
  static final int MAX_WEBSOCKET_FRAME = 16 * 1024 * 1024;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Redis redis;
  private final RouteEvents events;
  private final WorkspaceProvider provider;
  private final Launcher launcher;
  private final RedisStore store;
  private final List<String> deployments = new ArrayList<>();
  private int port;

  private Gateway(Vertx vertx, GatewayConfig config, Redis redis, RouteEvents events, WorkspaceProvider provider,
                  Launcher launcher, RedisStore store) {
    this.vertx = vertx;
    this.config = config;
    this.redis = redis;
    this.events = events;
    this.provider = provider;
    this.launcher = launcher;
    this.store = store;
  }

  /** Starts a gateway talking to the Redis at {@code redisUrl}. */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, String redisUrl) {
    return start(vertx, config, redisUrl, Providers.create(vertx, config));
  }

  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, String redisUrl, WorkspaceProvider provider) {
    RedisOptions redisOptions = new RedisOptions().setConnectionString(redisUrl).setMaxPoolSize(16)
        .setMaxPoolWaiting(1024).setMaxWaitingHandlers(4096);
    Redis redis = Redis.createClient(vertx, redisOptions);
    RedisStore store = new RedisStore(redis, config.redisTimeout());
    RouteEvents events = new RouteEvents(vertx, Redis.createClient(vertx, redisOptions));
    HttpClient probeClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    Clock clock = Clock.systemUTC();
    Launcher launcher = new Launcher(vertx, config, store, provider, new ReadinessProbe(vertx, probeClient), events,
        clock);
    Gateway gateway = new Gateway(vertx, config, redis, events, provider, launcher, store);
    return events.start()
        .compose(v -> provider.verify())
        .compose(v -> launcher.adopt())
        .compose(v -> gateway.deploy(clock))
        .map(gateway);
  }

  private Future<Void> deploy(Clock clock) {
    AtomicReference<RouteCache> cache = new AtomicReference<>();
    UpstreamFailureListener failures = (route, kind, cause) -> upstreamFailed(cache.get(), route, kind);
    HttpClient upstream = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(30)
            .setDecompressionSupported(false).setMaxHeaderSize(64 * 1024),
        new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(1024));
    HttpForwarder forwarder = new HttpForwarder(upstream, config.upstreamConnectTimeout().toMillis(),
        config.upstreamResponseTimeout().toMillis(), failures);
    RouteCache routes = new RouteCache(store, events, config.routeCacheTtl().toMillis(), forwarder::proxyFor,
        clock::millis);
    cache.set(routes);
    SecurityLayer security = SecurityLayer.create(vertx, config, store, clock);
    int maxWebSocket = config.security().webSocketMaxMessage();
    WebSocketRelay relay = new WebSocketRelay(vertx, vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(maxWebSocket).setMaxMessageSize(maxWebSocket).setMaxConnections(10_000)
        .setTryUsePerMessageCompression(false).setTryUsePerFrameCompression(false)),
        config.upstreamConnectTimeout().toMillis(), failures);
    HttpServerOptions serverOptions = security.configure(new HttpServerOptions().setHost(config.listenHost()).setPort(config.port())
        .setMaxWebSocketFrameSize(MAX_WEBSOCKET_FRAME).setMaxWebSocketMessageSize(MAX_WEBSOCKET_FRAME)
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
        .setWebSocketSubProtocols(List.of("*"))
        .setIdleTimeout(120));
    var services = new GatewayVerticle.GatewayServices(config, serverOptions, new HostParser(config.baseDomain()),
        routes, new ColdStart(config, launcher, routes, store, clock, security.launchGuard()), relay, security);
    List<GatewayVerticle> instances = new ArrayList<>();
    return vertx.deployVerticle(() -> {
          GatewayVerticle v = new GatewayVerticle(services);
          synchronized (instances) {
            instances.add(v);
          }
          return v;
        }, new DeploymentOptions().setInstances(config.eventLoops()))
        .onSuccess(id -> {
          deployments.add(id);
          port = instances.get(0).actualPort();
        })
        .mapEmpty();
  }

  private void upstreamFailed(RouteCache routes, Route route, GatewayError kind) {
    if (kind == GatewayError.UPSTREAM_REFUSED) {
      routes.invalidate(route.id());
      launcher.dropRoute(route, "refused a connection");
    }
  }

  /** The port the gateway listens on (the configured one, or the one picked for port 0). */
  public int port() {
    return port;
  }

  public Launcher launcher() {
    return launcher;
  }

  public RedisStore store() {
    return store;
  }

  public WorkspaceProvider provider() {
    return provider;
  }

  /**
   * Stops serving. With {@code stopWorkspaces}, also stops the workspaces the provider runs (the local
   * single-machine default); their data stays.
   */
  public Future<Void> stop(boolean stopWorkspaces) {
    List<Future<?>> undeploys = new ArrayList<>();
    for (String id : deployments) {
      undeploys.add(vertx.undeploy(id));
    }
    Future<Void> workspaces = !stopWorkspaces ? Future.succeededFuture()
        : provider.list().compose(list -> {
          List<Future<Void>> stops = new ArrayList<>();
          for (var pw : list) {
            Future<Void> dropped = pw.workspaceId() == null || !WorkspaceId.isValid(pw.workspaceId())
                ? Future.succeededFuture()
                : store.dropRoute(new WorkspaceId(pw.workspaceId()), pw.launchId()).mapEmpty();
            stops.add(dropped.transform(ar -> provider.stop(pw.ref(), StopReason.SHUTDOWN)));
          }
          log.info("stopping {} workspace(s)", stops.size());
          return Future.join(stops).mapEmpty();
        });
    return Future.join(undeploys)
        .transform(ar -> workspaces)
        .transform(ar -> events.close())
        .transform(ar -> provider.close())
        .transform(ar -> redis.close());
  }
}
