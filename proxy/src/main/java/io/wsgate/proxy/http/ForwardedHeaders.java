package io.wsgate.proxy.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Sets {@code X-Forwarded-For/-Proto/-Host} for the workspace. What a client sent in these (and in
 * {@code Forwarded}) is replaced: a workspace must be able to trust them. The one exception is a trusted
 * proxy's {@code X-Forwarded-For/-Proto}, which the edge ({@code ClientAddress.sanitize}) leaves on the incoming
 * request: the peer is then appended to that chain.
 */
public final class ForwardedHeaders {

  private ForwardedHeaders() {
  }

  public static void apply(HttpServerRequest req, MultiMap headers) {
    headers.remove("forwarded");
    SocketAddress peer = req.remoteAddress();
    String hop = peer == null || peer.hostAddress() == null ? "unknown" : peer.hostAddress();
    String chain = String.join(", ", req.headers().getAll("x-forwarded-for"));
    headers.set("x-forwarded-for", chain.isBlank() ? hop : chain + ", " + hop);
    String proto = req.getHeader("x-forwarded-proto");
    headers.set("x-forwarded-proto", proto != null ? proto : req.isSSL() ? "https" : "http");
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
