package io.wsgate.proxy.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.wsgate.proxy.auth.Credentials;

/**
 * The client's request headers as its workspace gets them, for plain requests ({@link HttpForwarder}) and WebSocket
 * upgrades alike: the end-to-end headers only (no hop-by-hop header, nor one the {@code Connection} header names), no
 * {@code Host} (the authority is set apart), the forwarded headers set ({@link ForwardedHeaders}), and the gateway's
 * session cookie kept back.
 */
public final class WorkspaceHeaders {

  private WorkspaceHeaders() {
  }

  /** Adds {@code in}'s headers, as the workspace gets them, to {@code out}. */
  public static void copy(HttpServerRequest in, MultiMap out) {
    out.addAll(in.headers());
    out.remove("host");
    HopByHop.strip(out);
    ForwardedHeaders.apply(in, out);
    Credentials.stripSessionCookie(out);
  }
}
