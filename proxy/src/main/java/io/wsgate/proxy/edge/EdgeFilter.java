package io.wsgate.proxy.edge;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.proxy.http.HeaderNames;

import java.util.Locale;

/**
 * Request-level rules the raw head check ({@link HeadScanner}) cannot know: forwarded headers only from
 * trusted proxies, no protocol switch but a WebSocket upgrade by GET (never h2c), and a WebSocket's
 * {@code Origin} must be the workspace's own (cross-site WebSocket hijacking).
 */
final class EdgeFilter {

  private final ClientAddress clients;
  private final boolean https;

  EdgeFilter(ClientAddress clients, boolean https) {
    this.clients = clients;
    this.https = https;
  }

  /** True if the request may go on; otherwise a 400 with {@code Connection: close} was sent. */
  boolean screen(HttpServerRequest req) {
    clients.sanitize(req);
    if (req.getHeader(HeaderNames.HOST) == null || req.headers().getAll(HeaderNames.HOST).size() != 1) {
      return refuse(req, "The request must carry exactly one Host header.");
    }
    String upgrade = req.getHeader(HeaderNames.UPGRADE);
    if (upgrade != null) {
      if (isWebSocket(upgrade)) {
        if (req.method() != HttpMethod.GET) {
          return refuse(req, "A WebSocket upgrade must be a GET request.");
        }
      } else {
        // h2c and any other protocol switch: answered as plain HTTP/1.1, and the workspace never sees the offer
        req.headers().remove(HeaderNames.UPGRADE);
        req.headers().remove(HeaderNames.HTTP2_SETTINGS);
      }
    }
    return true;
  }

  /** For a WebSocket upgrade: true if its Origin is this host's own origin; otherwise 403 was sent. */
  boolean originAllowed(HttpServerRequest req) {
    String upgrade = req.getHeader(HeaderNames.UPGRADE);
    if (upgrade == null || !isWebSocket(upgrade)) {
      return true;
    }
    String origin = req.getHeader(HeaderNames.ORIGIN);
    String expected = normalise((https ? "https://" : "http://") + req.getHeader(HeaderNames.HOST));
    if (origin != null && req.headers().getAll(HeaderNames.ORIGIN).size() == 1 && normalise(origin).equals(expected)) {
      return true;
    }
    ErrorResponses.send(req, GatewayError.ORIGIN_REJECTED, "This workspace accepts WebSocket connections only from "
        + "its own pages.", 0);
    return false;
  }

  private static boolean isWebSocket(String upgrade) {
    return upgrade.trim().equalsIgnoreCase("websocket");
  }

  /** Lower case, no trailing dot on the host, no default port. */
  static String normalise(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    if (o.endsWith(":80") && o.startsWith("http://")) {
      o = o.substring(0, o.length() - 3);
    } else if (o.endsWith(":443") && o.startsWith("https://")) {
      o = o.substring(0, o.length() - 4);
    }
    int colon = o.lastIndexOf(':');
    int schemeEnd = o.indexOf("://") + 3;
    String host = colon > schemeEnd ? o.substring(schemeEnd, colon) : o.substring(Math.min(schemeEnd, o.length()));
    String port = colon > schemeEnd ? o.substring(colon) : "";
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    return o.substring(0, Math.min(schemeEnd, o.length())) + host + port;
  }

  private static boolean refuse(HttpServerRequest req, String why) {
    req.response().putHeader("connection", "close");
    ErrorResponses.send(req, GatewayError.BAD_REQUEST, why, 0);
    return false;
  }
}
