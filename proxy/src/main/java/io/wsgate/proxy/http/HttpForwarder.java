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
import io.wsgate.proxy.auth.Credentials;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.workspace.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards plain HTTP requests to a workspace with vertx-http-proxy: bodies stream both ways through
 * pipes with back-pressure, nothing is buffered. One {@link HttpProxy} per route, made once when the route
 * is cached, so the hot path does no lookup. Our interceptor keeps the client's Host, strips hop-by-hop
 * headers both ways, sets forwarded headers, and turns upstream failures into clear 502/504 pages.
 */
public final class HttpForwarder {

  private static final Logger log = LoggerFactory.getLogger(HttpForwarder.class);

  private final HttpClient client;
  private final long connectTimeoutMs;
  private final long responseTimeoutMs;
  private final UpstreamFailureListener failures;

  public HttpForwarder(HttpClient client, long connectTimeoutMs, long responseTimeoutMs,
                       UpstreamFailureListener failures) {
    this.client = client;
    this.connectTimeoutMs = connectTimeoutMs;
    this.responseTimeoutMs = responseTimeoutMs;
    this.failures = failures;
  }

  /** A proxy bound to {@code route}'s endpoint. */
  public HttpProxy proxyFor(Route route) {
    SocketAddress server = SocketAddress.inetSocketAddress(route.endpoint().port(), route.endpoint().host());
    HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client);
    proxy.origin(ctx -> ctx.client().request(new RequestOptions().setServer(server)
        .setConnectTimeout(connectTimeoutMs).setIdleTimeout(responseTimeoutMs)));
    proxy.addInterceptor(new RouteInterceptor(route));
    return proxy;
  }

  private final class RouteInterceptor implements ProxyInterceptor {

    private final Route route;

    RouteInterceptor(Route route) {
      this.route = route;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
      ProxyRequest request = ctx.request();
      HttpServerRequest incoming = request.proxiedRequest();
      HopByHop.strip(request.headers());
      ForwardedHeaders.apply(incoming, request.headers());
      Credentials.stripSessionCookie(request.headers());
      request.setURI(Credentials.withoutToken(request.getURI()));
      request.setAuthority(incoming.authority());
      return ctx.sendRequest().recover(err -> {
        GatewayError kind = UpstreamErrors.classify(err);
        log.warn("workspace {}: {} {} -> {} ({}: {})", route.id(), incoming.method(), incoming.path(), kind.tag(),
            route.endpoint(), err.toString());
        failures.failed(route, kind, err);
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
      HopByHop.strip(ctx.response().headers());
      return ctx.sendResponse();
    }
  }
}
