package io.wsgate.proxy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.wsgate.config.GatewayConfig;
import io.wsgate.launch.Launcher;
import io.wsgate.activity.ActivityTracker;
import io.wsgate.control.ControlVerticle;
import io.wsgate.control.FleetControl;
import io.wsgate.control.LeaderLease;
import io.wsgate.control.Reaper;
import io.wsgate.control.Reconciler;
import io.wsgate.control.WarmPool;
import io.wsgate.launch.Adoption;
import io.wsgate.launch.ReadinessProbe;
import io.wsgate.store.ActivityStore;
import io.wsgate.store.FleetStore;
import io.wsgate.store.FleetViews;
import io.wsgate.store.RouteEvent;
import io.wsgate.metrics.Meters;
import io.wsgate.metrics.Metrics;
import io.wsgate.provider.Providers;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.proxy.admin.AdminVerticle;
import io.wsgate.proxy.edge.SecurityLayer;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.proxy.http.UpstreamFailureListener;
import io.wsgate.proxy.routing.RouteCache;
import io.wsgate.proxy.ws.WebSocketRelay;
import io.wsgate.store.FleetStore;
import io.wsgate.store.FleetViews;
import io.wsgate.store.RedisStore;
import io.wsgate.store.RouteEvents;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One running gateway: wires Redis, the provider, the launcher, the route cache and the gateway verticles
 * together, and takes them apart again. {@code Main} runs one; tests run several against one Redis.
 */
public final class Gateway {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  /** How long a stopping gateway waits for its WebSockets' close handshakes. */
  private static final Duration SHUTDOWN_SOCKET_GRACE = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final RouteEvents events;
  private final WorkspaceProvider provider;
  private final Launcher launcher;
  private final RedisStore store;
  private final Meters meters;
  private final List<String> deployments = new ArrayList<>();
  private String controlDeployment;
  private Future<Void> drained;
  private TaskStopWatch taskStopWatch;
  private final ActivityTracker activity;
  private FleetControl control;
  private WebSocketRelay relay;
  private long flushTimer = -1;
  private int port;
  private int adminPort;

  private Gateway(Vertx vertx, GatewayConfig config, RouteEvents events, WorkspaceProvider provider,
                  Launcher launcher, RedisStore store, Meters meters, Clock clock) {
    this.meters = meters;
    this.vertx = vertx;
    this.config = config;
    this.events = events;
    this.provider = provider;
    this.launcher = launcher;
    this.store = store;
    this.activity = new ActivityTracker(new ActivityStore(store), clock::millis);
    launcher.health().signsOfLife(activity::workspaceSpokeWithin);
  }

  /**
   * What a gateway is built from besides its config and Redis; each part has a default, so callers name only what
   * they replace: {@code Dependencies.defaults().withProvider(p).withClock(c)}.
   *
   * @param provider where workspaces run; null: the one {@code config} names ({@link Providers#create})
   * @param meters   where wsgate's meters go, whose registry {@code /metrics} serves (Vert.x's own meters join it
   *                 when {@code vertx} was made by {@link Metrics#vertx}); null: a registry of its own
   * @param clock    calendar time for sessions, tokens and the control loop (tests move it forward)
   */
  public record Dependencies(WorkspaceProvider provider, Meters meters, Clock clock) {
    public Dependencies {
      java.util.Objects.requireNonNull(clock, "clock");
    }

    public static Dependencies defaults() {
      return new Dependencies(null, null, Clock.systemUTC());
    }

    public Dependencies withProvider(WorkspaceProvider provider) {
      return new Dependencies(provider, meters, clock);
    }

    public Dependencies withMeters(Meters meters) {
      return new Dependencies(provider, meters, clock);
    }

    public Dependencies withClock(Clock clock) {
      return new Dependencies(provider, meters, clock);
    }
  }

  /** Starts a gateway talking to the Redis at {@code redisUrl}, built from {@code deps}. */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, String redisUrl, Dependencies deps) {
    WorkspaceProvider provider = deps.provider() != null ? deps.provider() : Providers.create(vertx, config);
    Meters meters = deps.meters() != null ? deps.meters()
        : new Meters(Metrics.newRegistry(), config.admin().costPerTaskHour());
    Clock clock = deps.clock();
    RedisOptions redisOptions = new RedisOptions().setConnectionString(redisUrl).setMaxPoolSize(16)
        .setMaxPoolWaiting(1024).setMaxWaitingHandlers(4096);
    Redis redis = Redis.createClient(vertx, redisOptions);
    RedisStore store = new RedisStore(redis, config.redisTimeout(), meters);
    RouteEvents events = new RouteEvents(vertx, Redis.createClient(vertx, redisOptions));
    HttpClient probeClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    Launcher launcher = new Launcher(vertx, config, store, provider, probeClient, events, clock, meters);
    Gateway gateway = new Gateway(vertx, config, events, provider, launcher, store, meters, clock);
    Adoption adoption = new Adoption(config, store, provider, launcher);
    // Redis back after a loss, perhaps empty: route again what the provider runs, before reconcile calls it orphaned
    events.onRestored(() -> adoption.adopt().onFailure(err -> log.warn("adoption after redis came back: {}", err.toString())));
    return events.start()
        .compose(v -> provider.verify())
        .compose(v -> adoption.adopt())
        .compose(v -> Warmup.run(vertx, config, store, redis, launcher, clock))
        .compose(v -> gateway.deploy(clock))
        .compose(v -> gateway.startControl(probeClient, clock))
        .compose(v -> gateway.deployAdmin(clock))
        .map(gateway);
  }

  private Future<Void> deploy(Clock clock) {
    AtomicReference<RouteCache> cache = new AtomicReference<>();
    UpstreamFailureListener failures = (route, kind, cause) -> upstreamFailed(cache.get(), route, kind);
    RequestPath path = RequestPath.build(vertx, config,
        new HttpServerOptions().setHost(config.listenHost()).setPort(config.port()), store, events, launcher,
        activity, meters, clock, failures);
    SecurityLayer.announce(config.security());
    cache.set(path.routes());
    relay = path.relay();
    events.onEvent(e -> {
      if (e.kind() == RouteEvent.Kind.DOWN) {
        activity.forget(e.id());
        relay.closeAll(e.id(), "workspace stopped");
      }
    });
    List<GatewayVerticle> instances = new ArrayList<>();
    return vertx.deployVerticle(() -> {
          GatewayVerticle v = new GatewayVerticle(path.services());
          synchronized (instances) {
            instances.add(v);
          }
          return v;
        }, new DeploymentOptions().setInstances(config.eventLoops()))
        .onSuccess(id -> {
          deployments.add(id);
          port = instances.get(0).actualPort();
        })
        .recover(err -> Future.failedFuture(bindProblem(err, config.listenHost(), config.port(), "WSGATE_PORT")))
        .mapEmpty();
  }

  /** Activity flushing on every replica, and the control loop (which acts only on the leader). */
  private Future<Void> startControl(HttpClient probeClient, Clock clock) {
    config.fleet().taskMetadata().ifPresent(uri -> {
      taskStopWatch = new TaskStopWatch(vertx, uri, () -> drain());
      taskStopWatch.start();
    });
    flushTimer = vertx.setPeriodic(config.fleet().activityFlushInterval().toMillis(), t -> activity.flush()
        .onSuccess(meters::activityFlushed)
        .onFailure(err -> failure("activity flush failed (the marks are kept and written with the next flush)", err)));
    FleetStore fleet = new FleetStore(store);
    ActivityStore activityStore = new ActivityStore(store);
    WarmPool pool = new WarmPool(config, fleet, provider, new ReadinessProbe(vertx, probeClient), meters);
    control = new FleetControl(config, new LeaderLease(fleet, launcher.replica(), config.fleet().leaderLease()),
        pool, new Reaper(config, store, activityStore, provider, meters),
        new Reconciler(config, store, provider, meters), clock, store.reachability());
    meters.poolStats(pool::counts);
    meters.leaderStatus(() -> control.lease().isLeader());
    return vertx.deployVerticle(new ControlVerticle(control, events, config.fleet().controlInterval().toMillis()))
        .onSuccess(id -> controlDeployment = id).mapEmpty();
  }

  /** Logs a failure at WARN, or at DEBUG while Redis is down (the outage itself is logged once). */
  private void failure(String what, Throwable err) {
    if (store.reachability().inOutage()) {
      log.debug("{}: {}", what, err.toString());
    } else {
      log.warn("{}: {}", what, err.toString());
    }
  }

  /** The control loop, for tests that drive its ticks. */
  public FleetControl control() {
    return control;
  }

  public ActivityTracker activity() {
    return activity;
  }

  public WebSocketRelay webSockets() {
    return relay;
  }

  private Future<Void> deployAdmin(Clock clock) {
    AdminVerticle admin = new AdminVerticle(config, meters, new FleetViews(store), provider, clock::millis);
    return vertx.deployVerticle(admin).onSuccess(id -> {
      deployments.add(id);
      adminPort = admin.actualPort();
    }).recover(err -> Future.failedFuture(bindProblem(err, config.admin().host(), config.admin().port(),
        "WSGATE_ADMIN_PORT"))).mapEmpty();
  }

  /** Says which address could not be bound and which setting changes it. */
  private static Throwable bindProblem(Throwable err, String host, int port, String setting) {
    if (err instanceof java.net.BindException) {
      return new IllegalStateException(host + ":" + port + " is already in use (another wsgate still running?"
          + " set " + setting + " to use another port)", err);
    }
    return err;
  }

  private void upstreamFailed(RouteCache routes, Route route, GatewayError kind) {
    routes.invalidate(route.id());
    launcher.health().suspect(route, kind.tag());
  }

  /** The port the gateway listens on (the configured one, or the one picked for port 0). */
  public int port() {
    return port;
  }

  public GatewayConfig config() {
    return config;
  }

  /** The port of the admin server (metrics, health, status page). */
  public int adminPort() {
    return adminPort;
  }

  public Meters meters() {
    return meters;
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
    if (taskStopWatch != null) {
      taskStopWatch.stop();
    }
    Future<Void> socketsClosed = drain();
    Future<Void> undeployed = socketsClosed.transform(ar -> {
      vertx.cancelTimer(flushTimer);
      List<Future<?>> undeploys = new ArrayList<>();
      for (String id : deployments) {
        undeploys.add(vertx.undeploy(id));
      }
      return Future.join(undeploys).mapEmpty();
    });
    return undeployed
        .transform(ar -> activity.flush().<Void>mapEmpty().otherwiseEmpty()) // what the drained sockets did last
        .transform(ar -> stopWorkspaces ? stopAllWorkspaces() : Future.<Void>succeededFuture())
        .transform(ar -> events.close())
        .transform(ar -> provider.close())
        .transform(ar -> store.close());
  }

  /**
   * Hands the control lease over (another replica leads at once), then refuses new WebSocket upgrades and closes the
   * open ones with 1001, spread over the drain window, so tabs reconnect to another replica (or to this one,
   * restarted) a few at a time. HTTP keeps being served. Runs once: at SIGTERM, or earlier when ECS marks the task
   * to stop ({@link TaskStopWatch}).
   */
  public synchronized Future<Void> drain() {
    if (drained == null) {
      Future<Void> leaseReleased = controlDeployment == null ? Future.succeededFuture()
          : vertx.undeploy(controlDeployment).otherwiseEmpty();
      controlDeployment = null;
      drained = leaseReleased.transform(ar -> relay.drain("gateway restarting", config.fleet().drainWindow(),
          SHUTDOWN_SOCKET_GRACE));
    }
    return drained;
  }

  private Future<Void> stopAllWorkspaces() {
    return provider.list().compose(list -> {
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
  }
}
