package io.wsgate.proxy.edge;

import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;

/**
 * What the edge refused on a connection after its request had gone on to a workspace: a malformed request body.
 * The edge answers the client and closes the connection; whoever was forwarding the request then sees it fail,
 * and asks here whose fault that was, so that a client's broken body is never taken for the workspace's failure.
 */
public final class ClientFaults {

  static final AttributeKey<String> BODY_REFUSED = AttributeKey.valueOf("wsgate.bodyRefused");

  private ClientFaults() {
  }

  /** Why the edge refused the body of {@code req}'s connection, or null if it did not. */
  public static String bodyRefused(HttpServerRequest req) {
    if (req.connection() instanceof Http1xServerConnection http1) {
      return http1.channelHandlerContext().channel().attr(BODY_REFUSED).get();
    }
    return null;
  }
}
