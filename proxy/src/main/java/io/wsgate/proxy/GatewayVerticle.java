package io.wsgate.proxy;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.wsgate.proxy.coldstart.ColdStart;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.proxy.http.HeaderNames;
import io.wsgate.proxy.routing.HostParser;
import io.wsgate.proxy.routing.ReservedPaths;
import io.wsgate.proxy.routing.RouteCache;
import io.wsgate.proxy.routing.WorkspaceRequest;
import io.wsgate.proxy.ws.WebSocketRelay;

import java.util.concurrent.TimeUnit;

/**
 * Where every request enters: the Host header picks the workspace, a cached route is forwarded at once
 * (HTTP through HttpForwarder, WebSocket through the byte tunnel), anything else goes to cold start.
 * One instance per event loop; all share the route cache and launcher.
 */
public final class GatewayVerticle extends VerticleBase {

  /** How long requests under way get to finish when the gateway stops. */
  static final long SHUTDOWN_GRACE_S = 10;

  private final GatewayServices services;
  private HttpServer server;

  GatewayVerticle(GatewayServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = services.serverOptions();
    server = vertx.createHttpServer(options).requestHandler(this::handle);
    services.security().install(server);
    return server.listen();
  }

  /**
   * Stops accepting, lets the requests under way finish and closes each keep-alive connection once it is idle, so
   * that no request reaches this verticle's upstream clients after they are closed (those requests were answered 502
   * or failed inside). WebSockets were closed with 1001 by the drain before this.
   */
  @Override
  public Future<?> stop() {
    return server.shutdown(SHUTDOWN_GRACE_S, TimeUnit.SECONDS);
  }

  int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    if (!services.security().screen(req)) {
      return;
    }
    HostParser.Result host = services.hosts().parse(req.getHeader(HeaderNames.HOST));
    if (!host.isWorkspace()) {
      if ("/healthz".equals(req.path())) {
        req.response().putHeader("content-type", "text/plain").putHeader("cache-control", "no-store").end("ok\n");
        return;
      }
      ErrorResponses.send(req, GatewayError.UNKNOWN_HOST, host.problem().text()
          + ". Workspaces are at ws-<id>." + services.config().baseDomain() + ".", 0);
      return;
    }
    WorkspaceRequest r = services.security().authorize(req, host.id(), context);
    if (r == null) {
      return;
    }
    String path = req.path();
    if (path.startsWith("/__wsgate/")) {
      services.coldStart().status(r, context);
      return;
    }
    if (services.reserved().isReserved(path)) {
      ErrorResponses.send(req, GatewayError.NOT_FOUND, "This path is reserved for the gateway.", 0);
      return;
    }
    RouteCache.LiveRoute live = services.routes().get(r.id());
    if (live != null) {
      forward(r, live);
      return;
    }
    services.coldStart().handle(r, context, this::forward);
  }

  private void forward(WorkspaceRequest r, RouteCache.LiveRoute live) {
    HttpServerRequest req = r.http();
    if (req.canUpgradeToWebSocket()) {
      services.webSockets().relay(req, live.route());
    } else {
      live.http().handle(req);
    }
  }

  /** The shared pieces every instance uses. */
  record GatewayServices(io.wsgate.config.GatewayConfig config, HttpServerOptions serverOptions, HostParser hosts,
                         RouteCache routes, ColdStart coldStart, WebSocketRelay webSockets, ReservedPaths reserved,
                         io.wsgate.proxy.edge.SecurityLayer security) {
  }

}
