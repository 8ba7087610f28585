package io.wsgate.proxy.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wsgate.config.GatewayConfig;
import io.wsgate.metrics.Meters;
import io.wsgate.metrics.PoolStats;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.store.FleetViews;
import io.wsgate.time.Stopwatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * The admin server, on its own port that the load balancer never routes to: {@code /metrics} (Prometheus
 * text), {@code /healthz} (liveness, no token), {@code /readyz} (Redis and provider), the JSON API
 * ({@code /api/workspaces}, {@code /api/launches}, {@code /api/status}) and the live status page
 * ({@code /status}). Also runs the fleet sampler that feeds the workspace gauges and cost counters.
 */
public final class AdminVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(AdminVerticle.class);
  private static final int DEFAULT_LAUNCHES = 50;

  private final GatewayConfig config;
  private final Meters meters;
  private final FleetViews fleet;
  private final AdminAuth auth;
  private final Readiness readiness;
  private final LaunchLog launches;
  private final FleetSampler sampler;
  private final LongSupplier clock;
  private HttpServer server;
  private long sampleTimer = -1;
  /** Since the last sample that succeeded: the interval whose cost the next sample adds (monotonic). */
  private Stopwatch sinceSample;
  private boolean sampling;

  /**
   * @param clock the gateway's calendar clock in epoch millis (idle times, "ago"); intervals between cost samples
   *              are elapsed time and use the monotonic clock
   */
  public AdminVerticle(GatewayConfig config, Meters meters, FleetViews fleet, WorkspaceProvider provider,
                       LongSupplier clock) {
    this.config = config;
    this.meters = meters;
    this.fleet = fleet;
    this.clock = clock;
    this.auth = new AdminAuth(config.admin().token());
    this.readiness = new Readiness(fleet, provider);
    this.launches = new LaunchLog(fleet, meters);
    this.sampler = new FleetSampler(fleet, meters, config.profiles().keySet());
    meters.registerProfiles(config.profiles().keySet());
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.admin().host())
        .setPort(config.admin().port()).setIdleTimeout(60)).requestHandler(this::handle);
    sinceSample = Stopwatch.start();
    sampleTimer = vertx.setPeriodic(1, config.admin().sampleInterval().toMillis(), t -> sample());
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sampleTimer);
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The port the admin server listens on. */
  public int actualPort() {
    return server.actualPort();
  }

  private void sample() {
    if (sampling) {
      return; // a slow Redis must not pile samples up
    }
    sampling = true;
    Stopwatch next = Stopwatch.start();
    sampler.runOnce(sinceSample.elapsedMillis())
        .onSuccess(s -> sinceSample = next)
        .onFailure(err -> log.debug("fleet sample failed: {}", err.toString()))
        .onComplete(ar -> sampling = false);
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if ("/healthz".equals(path)) {
      text(req, 200, "ok\n");
      return;
    }
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      req.response().putHeader("allow", "GET, HEAD");
      text(req, 405, "only GET\n");
      return;
    }
    if (!auth.allowed(req)) {
      req.response().putHeader("www-authenticate", "Basic realm=\"wsgate admin\", charset=\"UTF-8\"");
      text(req, 401, "admin token required: Authorization: Bearer <WSGATE_ADMIN_TOKEN>\n");
      return;
    }
    switch (path) {
      case "/metrics" -> metrics(req);
      case "/readyz" -> readiness.problem().onComplete(ar -> {
        String problem = ar.succeeded() ? ar.result() : "readiness check failed: " + ar.cause();
        text(req, problem == null ? 200 : 503, problem == null ? "ready\n" : problem + "\n");
      });
      case "/api/workspaces" -> fleet.workspaces(FleetSampler.MAX_WORKSPACES)
          .map(list -> new JsonObject().put("generatedAtMillis", clock.getAsLong())
              .put("workspaces", WorkspaceJson.all(list, clock.getAsLong())))
          .onComplete(ar -> json(req, ar));
      case "/api/launches" -> launches.recent(limit(req))
          .map(list -> new JsonObject().put("launches", list))
          .onComplete(ar -> json(req, ar));
      case "/api/status" -> status().onComplete(ar -> json(req, ar));
      case "/", "/status" -> req.response().putHeader("content-type", "text/html; charset=utf-8")
          .putHeader("cache-control", "no-store").end(StatusPage.html());
      default -> text(req, 404, "no such admin endpoint: see /status\n");
    }
  }

  private void metrics(HttpServerRequest req) {
    if (!(meters.registry() instanceof PrometheusMeterRegistry prometheus)) {
      text(req, 404, "metrics are not enabled\n");
      return;
    }
    // a scrape formats every series: worth keeping off the event loop
    vertx.executeBlocking(prometheus::scrape, false).onComplete(ar -> {
      if (ar.failed()) {
        text(req, 500, "scrape failed\n");
        return;
      }
      req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
    });
  }

  /** Everything the status page shows, in one call. */
  private Future<JsonObject> status() {
    long now = clock.getAsLong();
    JsonArray pools = new JsonArray();
    for (String p : config.profiles().keySet()) {
      PoolStats.Counts c = meters.pool(p);
      pools.add(new JsonObject().put("profile", p).put("target", c.target()).put("ready", c.ready())
          .put("claimed", c.claimed()).put("starting", c.starting())
          .put("policy", config.profiles().get(p).fleet().poolPolicy().adaptive() ? "adaptive" : "schedule")
          .put("forecast", c.forecast() < 0 ? null : Math.round(c.forecast() * 100) / 100.0));
    }
    return Future.all(fleet.workspaces(FleetSampler.MAX_WORKSPACES), launches.recent(DEFAULT_LAUNCHES),
            readiness.problem())
        .map(all -> new JsonObject()
            .put("generatedAtMillis", now)
            .put("ready", all.resultAt(2) == null)
            .put("problem", (String) all.resultAt(2))
            .put("leader", meters.isLeader())
            .put("costPerTaskHour", config.admin().costPerTaskHour())
            .put("pools", pools)
            .put("workspaces", WorkspaceJson.all(all.resultAt(0), now))
            .put("launches", all.resultAt(1)));
  }

  private static int limit(HttpServerRequest req) {
    try {
      String l = req.getParam("limit");
      return l == null ? DEFAULT_LAUNCHES : Math.max(1, Math.min(LaunchLog.CAP, Integer.parseInt(l)));
    } catch (NumberFormatException e) {
      return DEFAULT_LAUNCHES;
    }
  }

  private static void json(HttpServerRequest req, io.vertx.core.AsyncResult<JsonObject> ar) {
    if (ar.failed()) {
      text(req, 503, "cannot read the fleet from redis: " + ar.cause().getMessage() + "\n");
      return;
    }
    req.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
        .end(ar.result().encode());
  }

  private static void text(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8")
        .putHeader("cache-control", "no-store").end(body);
  }
}
