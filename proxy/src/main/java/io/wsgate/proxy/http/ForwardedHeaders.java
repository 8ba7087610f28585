package io.wsgate.proxy.http;

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

  private static final String[] REPLACED = {"forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
      "x-forwarded-port", "x-forwarded-prefix"};

  /** Whether {@code name} (any case) is one of the headers replaced or removed here, never passed as sent. */
  static boolean isReplaced(String name) {
    if (name.length() < 9 || (name.charAt(0) | 0x20) != (name.length() == 9 ? 'f' : 'x')) {
      return false;
    }
    for (String r : REPLACED) {
      if (r.length() == name.length() && r.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** Appends the forwarded headers for {@code req} to a request head. */
  static void append(HttpServerRequest req, StringBuilder head) {
    SocketAddress peer = req.remoteAddress();
    String hop = peer == null || peer.hostAddress() == null ? "unknown" : peer.hostAddress();
    String chain = req.headers().contains(HeaderNames.X_FORWARDED_FOR)
        ? String.join(", ", req.headers().getAll(HeaderNames.X_FORWARDED_FOR)) : "";
    WorkspaceHeaders.line(head, "x-forwarded-for", chain.isBlank() ? hop : chain + ", " + hop);
    String proto = req.getHeader(HeaderNames.X_FORWARDED_PROTO);
    WorkspaceHeaders.line(head, "x-forwarded-proto", proto != null ? proto : req.isSSL() ? "https" : "http");
    String host = req.getHeader(HeaderNames.HOST);
    if (host != null) {
      WorkspaceHeaders.line(head, "x-forwarded-host", host);
    }
  }
}
