package io.wsgate.proxy.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Sets {@code X-Forwarded-For/-Proto/-Host} for the workspace. What a client sent in these (and in
 * {@code Forwarded}) is replaced: a workspace must be able to trust them.
 */
public final class ForwardedHeaders {

  private ForwardedHeaders() {
  }

  public static void apply(HttpServerRequest req, MultiMap headers) {
    headers.remove("forwarded");
    SocketAddress peer = req.remoteAddress();
    headers.set("x-forwarded-for", peer == null || peer.hostAddress() == null ? "unknown" : peer.hostAddress());
    headers.set("x-forwarded-proto", req.isSSL() ? "https" : "http");
    String host = req.getHeader("host");
    if (host != null) {
      headers.set("x-forwarded-host", host);
    } else {
      headers.remove("x-forwarded-host");
    }
    headers.remove("x-forwarded-port");
    headers.remove("x-forwarded-prefix");
  }
}
