package io.wsgate.proxy.http;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.wsgate.proxy.auth.Credentials;

import java.util.List;
import java.util.Map;

/**
 * The client's request headers as its workspace gets them, for plain requests ({@link HttpForwarder}) and WebSocket
 * upgrades alike, written straight into the request head: {@code Host} first, then the end-to-end headers only (no
 * hop-by-hop header, nor one the {@code Connection} header names), the gateway's session cookie kept back, and the
 * forwarded headers set ({@link ForwardedHeaders}).
 */
public final class WorkspaceHeaders {

  /** Beyond this a head's builder is not kept for the next one (heads are a few hundred bytes). */
  private static final int KEPT_CAPACITY = 16 * 1024;
  private static final FastThreadLocal<StringBuilder> BUILDER = new FastThreadLocal<>() {
    @Override
    protected StringBuilder initialValue() {
      return new StringBuilder(1024);
    }
  };

  private WorkspaceHeaders() {
  }

  /**
   * The calling event loop's builder for a request head, empty: one per loop, reused, so a head costs no buffer of
   * its own. What is built in it must be copied out (written to a channel) before the loop builds the next head.
   */
  public static StringBuilder headBuilder() {
    StringBuilder b = BUILDER.get();
    if (b.capacity() > KEPT_CAPACITY) {
      b = new StringBuilder(1024);
      BUILDER.set(b);
    }
    b.setLength(0);
    return b;
  }

  /**
   * Appends {@code in}'s headers, as the workspace gets them, to {@code head}. {@code upgrade}: the client's
   * {@code Sec-WebSocket-*} headers are left out too, for the caller to write the handshake's own.
   */
  public static void append(HttpServerRequest in, StringBuilder head, boolean upgrade) {
    MultiMap headers = in.headers();
    line(head, "host", in.getHeader(HeaderNames.HOST));
    List<String> named = headers.contains(HeaderNames.CONNECTION) ? HopByHop.connectionNamed(headers) : null;
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey();
      if (name.length() == 4 && name.equalsIgnoreCase("host") || HopByHop.isHopByHopName(name)
          || ForwardedHeaders.isReplaced(name) || HopByHop.isIn(name, named)
          || upgrade && name.regionMatches(true, 0, "sec-websocket-", 0, 14)) {
        continue;
      }
      String value = h.getValue();
      if (name.length() == 6 && name.equalsIgnoreCase("cookie")) {
        value = Credentials.withoutSessionCookie(value);
        if (value.isEmpty()) {
          continue;
        }
      }
      line(head, name, value);
    }
    ForwardedHeaders.append(in, head);
  }

  /** One header line: {@code name: value} and CRLF. */
  public static void line(StringBuilder head, String name, String value) {
    head.append(name).append(": ").append(value).append("\r\n");
  }
}
