package io.wsgate.proxy.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import io.wsgate.activity.ActivityMark;
import io.wsgate.activity.ActivitySource;
import io.wsgate.activity.ActivityTracker;
import io.wsgate.config.Profile;
import io.wsgate.metrics.Meters;
import io.wsgate.proxy.auth.Credentials;
import io.wsgate.proxy.edge.ClientFaults;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.workspace.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * Forwards plain HTTP requests to a workspace with vertx-http-proxy: bodies stream both ways through
 * pipes with back-pressure, nothing is buffered. One {@link HttpProxy} per route, made once when the route
 * is cached, so the hot path does no lookup. Our interceptor keeps the client's Host, strips hop-by-hop
 * headers both ways, sets forwarded headers, and turns upstream failures into clear 502/504 pages.
 */
public final class HttpForwarder {

  private static final Logger log = LoggerFactory.getLogger(HttpForwarder.class);

  private final PerEventLoop<HttpClient> clients;
  private final long connectTimeoutMs;
  private final long responseTimeoutMs;
  private final UpstreamFailureListener failures;
  private final ActivityTracker activity;
  private final Function<String, Profile.ActivityPolicy> policies;
  private final Meters meters;

  public HttpForwarder(PerEventLoop<HttpClient> clients, long connectTimeoutMs, long responseTimeoutMs,
                       UpstreamFailureListener failures, ActivityTracker activity,
                       Function<String, Profile.ActivityPolicy> policies, Meters meters) {
    this.meters = meters;
    this.clients = clients;
    this.activity = activity;
    this.policies = policies;
    this.connectTimeoutMs = connectTimeoutMs;
    this.responseTimeoutMs = responseTimeoutMs;
    this.failures = failures;
  }

  /** A proxy bound to {@code route}'s endpoint. */
  public HttpProxy proxyFor(Route route) {
    SocketAddress server = SocketAddress.inetSocketAddress(route.endpoint().port(), route.endpoint().host());
    // the proxy's own client is only a default: each upstream request goes through the client of the event loop
    // handling it (PerEventLoop), so one proxy per route serves every event loop
    HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), clients.get());
    proxy.origin(ctx -> clients.get().request(new RequestOptions().setServer(server)
        .setConnectTimeout(connectTimeoutMs).setIdleTimeout(responseTimeoutMs))
        .onSuccess(upstream -> {
          // a failure also fails the proxied response, where it is classified and logged; without a handler
          // here Vert.x would log every reset (a client's broken body, say) as an ERROR of its own
          upstream.exceptionHandler(err -> log.debug("upstream request to {}: {}", server, err.toString()));
          RequestTiming.of(ctx).sentUpstream();
        }));
    proxy.addInterceptor(new RouteInterceptor(route));
    return proxy;
  }

  private final class RouteInterceptor implements ProxyInterceptor {

    private final Route route;
    private final ActivityMark mark;
    private final Profile.ActivityPolicy policy;

    RouteInterceptor(Route route) {
      this.route = route;
      this.mark = activity.mark(route.id());
      this.policy = policies.apply(route.profile());
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
      RequestTiming timing = RequestTiming.start(ctx, meters);
      ProxyRequest request = ctx.request();
      HttpServerRequest incoming = request.proxiedRequest();
      activity.http(mark, ActivitySource.HTTP_REQUEST, request.getBody() == null ? 0 : request.getBody().length(), policy);
      HopByHop.strip(request.headers());
      ForwardedHeaders.apply(incoming, request.headers());
      Credentials.stripSessionCookie(request.headers());
      request.setURI(Credentials.withoutToken(request.getURI()));
      request.setAuthority(incoming.authority());
      return ctx.sendRequest().recover(err -> {
        // a browser that navigates away or aborts a fetch, or a client whose body the edge refused, makes the
        // proxy reset the upstream request: that is not the workspace failing
        String bodyRefused = ClientFaults.bodyRefused(incoming);
        boolean clientGone = bodyRefused != null || incoming.response().closed();
        GatewayError kind = bodyRefused != null ? GatewayError.BAD_REQUEST
            : clientGone ? GatewayError.CLIENT_CLOSED : UpstreamErrors.classify(err);
        if (bodyRefused != null) {
          log.debug("workspace {}: {} {}: the client's body was refused ({}); upstream request reset", route.id(),
              incoming.method(), incoming.path(), bodyRefused);
        } else if (clientGone) {
          log.debug("workspace {}: {} {}: the client closed the connection before the response",
              route.id(), incoming.method(), incoming.path());
        } else {
          log.warn("workspace {}: {} {} -> {} ({}: {})", route.id(), incoming.method(), incoming.path(), kind.tag(),
              route.endpoint(), err.toString());
          failures.failed(route, kind, err);
        }
        timing.failed(kind.tag());
        ErrorResponses.Rendered r = ErrorResponses.render(kind, UpstreamErrors.detail(kind), 0,
            ErrorResponses.wantsHtml(incoming));
        ProxyResponse response = request.release().response().setStatusCode(r.status());
        r.applyHeaders(response.headers());
        response.setBody(Body.body(r.body(), MediaType.parse(r.contentType())));
        return Future.succeededFuture(response);
      });
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext ctx) {
      RequestTiming timing = RequestTiming.of(ctx);
      timing.headArrived(ctx);
      if (policy.bothDirections()) {
        activity.http(mark, ActivitySource.HTTP_RESPONSE,
            ctx.response().getBody() == null ? 0 : ctx.response().getBody().length(), policy);
      }
      HopByHop.strip(ctx.response().headers());
      return timing.responding(ctx, ctx.sendResponse());
    }
  }
}
