package io.wsgate.proxy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.redis.client.Redis;
import io.wsgate.activity.ActivityTracker;
import io.wsgate.auth.SessionCookies;
import io.wsgate.config.GatewayConfig;
import io.wsgate.launch.Launcher;
import io.wsgate.metrics.Meters;
import io.wsgate.metrics.Metrics;
import io.wsgate.store.ActivityStore;
import io.wsgate.store.RedisStore;
import io.wsgate.store.RouteEvents;
import io.wsgate.workspace.Endpoint;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Compiles the hot path before the first student arrives. A fresh JVM serves its first requests interpreted: a
 * {@code GET} through a fresh gateway cost 2.1 ms of CPU in its first second under load and 60 us in its eighth,
 * against 25 us once compiled. So before the gateway listens, this sends {@code WSGATE_WARMUP} worth of traffic
 * through a private {@link RequestPath} of the same classes (edge checks, session cookie, route, forwarder, byte
 * tunnel) to an origin inside the gateway: keep-alive GETs, and WebSocket handshakes each carrying a burst of
 * messages. The JIT compiles methods, not instances, so the real path runs the compiled code. The private path has
 * its own meters, activity tracker (never flushed) and route cache (its events never started), so nothing of it
 * reaches Redis or the gateway's meters; its workspace id is random and is never launched (its route is cached for
 * the whole warm-up, and the warm-up is skipped when the route cache's TTL is too short to hold it).
 */
final class Warmup {

  private static final Logger log = LoggerFactory.getLogger(Warmup.class);
  private static final Buffer BODY = Buffer.buffer("x".repeat(63) + "\n");
  private static final Buffer MESSAGE = Buffer.buffer("{\"warmup\":\"a typing student's message\"}");
  private static final int HTTP_CONNECTIONS = 16;
  private static final int WEBSOCKETS = 4;
  private static final int MESSAGES_PER_SOCKET = 50;
  private static final int MAX_FAILURES = 100;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final long deadline;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong sessions = new AtomicLong();
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<String> failure = new AtomicReference<>();

  private Warmup(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.deadline = System.nanoTime() + config.warmup().toNanos();
  }

  /** Runs the warm-up {@code config} asks for; never fails (a warm-up that goes wrong is logged and ends). */
  static Future<Void> run(Vertx vertx, GatewayConfig config, RedisStore store, Redis redis, Launcher launcher,
                          Clock clock) {
    if (config.warmup().isZero()) {
      return Future.succeededFuture();
    }
    if (config.routeCacheTtl().compareTo(config.warmup().plusSeconds(5)) < 0) {
      log.info("no warm-up: WSGATE_ROUTE_CACHE_TTL ({} ms) is shorter than WSGATE_WARMUP ({} ms) plus 5 s",
          config.routeCacheTtl().toMillis(), config.warmup().toMillis());
      return Future.succeededFuture();
    }
    log.info("warming up for {} ms before listening (WSGATE_WARMUP; 0s turns it off)", config.warmup().toMillis());
    Warmup w = new Warmup(vertx, config);
    long started = System.nanoTime();
    return w.run(store, redis, launcher, clock)
        .onSuccess(v -> log.info("warmed up in {} ms: {} requests, {} WebSocket sessions with {} messages, {} failed{}",
            (System.nanoTime() - started) / 1_000_000, w.requests, w.sessions, w.messages, w.failures,
            w.failure.get() == null ? "" : " (the first: " + w.failure.get() + ")"))
        .recover(err -> {
          log.warn("warm-up failed, serving without it: {}", err.toString());
          return Future.succeededFuture();
        });
  }

  private Future<Void> run(RedisStore store, Redis redis, Launcher launcher, Clock clock) {
    HttpServer origin = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(req -> {
          if (req.canUpgradeToWebSocket()) {
            req.toWebSocket().onSuccess(ws -> ws.handler(ws::write));
          } else {
            req.response().putHeader("content-type", "text/plain").end(BODY);
          }
        });
    RequestPath path = RequestPath.build(vertx, config, new HttpServerOptions().setHost("127.0.0.1").setPort(0),
        store, new RouteEvents(vertx, redis), launcher,
        new ActivityTracker(new ActivityStore(store), clock::millis),
        new Meters(Metrics.newRegistry(), config.admin().costPerTaskHour()), clock, (route, kind, cause) -> { });
    WorkspaceId id = new WorkspaceId("warmup-" + HexFormat.of().formatHex(randomBytes()));
    GatewayVerticle verticle = new GatewayVerticle(path.services());
    return origin.listen()
        .compose(o -> {
          path.routes().put(new Route(id, config.defaultProfile(), new Endpoint("127.0.0.1", o.actualPort()),
              "warmup", "warmup", clock.millis()));
          return vertx.deployVerticle(verticle, new DeploymentOptions());
        })
        .compose(deployment -> load(id, verticle.actualPort(), clock)
            .eventually(() -> vertx.undeploy(deployment)))
        .eventually(() -> {
          path.routes().invalidate(id);
          return Future.join(origin.close(), path.closeClients());
        })
        .mapEmpty();
  }

  private Future<Void> load(WorkspaceId id, int port, Clock clock) {
    String host = "ws-" + id.value() + "." + config.baseDomain() + ":" + port;
    String cookie = null;
    if (config.security().authEnabled()) {
      SessionCookies cookies = new SessionCookies(config.security().keys(), config.security().sessionTtl());
      cookie = SessionCookies.NAME + "=" + cookies.encode(cookies.start(id, "wsgate-warmup", config.defaultProfile(),
          clock.millis()));
    }
    SocketAddress server = SocketAddress.inetSocketAddress(port, "127.0.0.1");
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(HTTP_CONNECTIONS));
    WebSocketClient webSockets = vertx.createWebSocketClient();
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setServer(server).setURI("/")
        .putHeader("host", host);
    WebSocketConnectOptions upgrade = new WebSocketConnectOptions().setServer(server).setURI("/")
        .putHeader("host", host).putHeader("origin", (config.publicHttps() ? "https://" : "http://") + host);
    if (cookie != null) {
      get.putHeader("cookie", cookie);
      upgrade.putHeader("cookie", cookie);
    }
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < HTTP_CONNECTIONS; i++) {
      loops.add(repeat(() -> http.request(get).compose(req -> req.send()).compose(resp -> resp.statusCode() == 200
          ? resp.body().onSuccess(b -> requests.incrementAndGet()).<Void>mapEmpty()
          : Future.failedFuture("GET / answered " + resp.statusCode()))));
    }
    for (int i = 0; i < WEBSOCKETS; i++) {
      loops.add(repeat(() -> webSockets.connect(upgrade).compose(ws -> {
        sessions.incrementAndGet();
        Promise<Void> echoed = Promise.promise();
        int[] left = {MESSAGES_PER_SOCKET};
        ws.handler(b -> {
          messages.incrementAndGet();
          if (--left[0] == 0) {
            echoed.tryComplete();
          } else {
            ws.write(MESSAGE);
          }
        });
        ws.closeHandler(v -> echoed.tryFail("closed after " + (MESSAGES_PER_SOCKET - left[0]) + " messages"));
        ws.write(MESSAGE);
        return echoed.future().eventually(() -> ws.close());
      })));
    }
    return Future.join(loops).eventually(() -> Future.join(http.close(), webSockets.close())).mapEmpty();
  }

  /**
   * Runs {@code step} one after the other until the deadline; a failed step is counted and the loop goes on, unless
   * so many failed that the warm-up is not warming anything.
   */
  private Future<Void> repeat(Supplier<Future<Void>> step) {
    Promise<Void> done = Promise.promise();
    next(step, done);
    return done.future();
  }

  private void next(Supplier<Future<Void>> step, Promise<Void> done) {
    if (System.nanoTime() - deadline >= 0 || failures.get() >= MAX_FAILURES) {
      done.complete();
      return;
    }
    Future<Void> f;
    try {
      f = step.get();
    } catch (RuntimeException e) { // a step that cannot even begin (the gateway is stopping: its clients are closed)
      failed(e);
      done.complete();
      return;
    }
    f.onComplete(ar -> {
      if (ar.failed()) {
        failed(ar.cause());
      }
      next(step, done);
    });
  }

  private void failed(Throwable cause) {
    failures.incrementAndGet();
    failure.compareAndSet(null, cause.toString());
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[6];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
