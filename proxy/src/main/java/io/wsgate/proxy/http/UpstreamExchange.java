package io.wsgate.proxy.http;

import io.netty.buffer.ByteBuf;
import io.vertx.core.MultiMap;

/**
 * A request on a {@link WorkspaceConnection}: what it hears of the response and of the connection. All calls come on
 * the connection's event loop.
 */
interface UpstreamExchange {

  /** A 100 (Continue) came before the final response. */
  void continued();

  /** Where the final response's end-to-end headers go as they are read: the client's response's. */
  MultiMap responseHeaders();

  /** The final response's head (its headers are in {@link #responseHeaders}); its body follows if {@code hasBody}. */
  void head(ResponseHead head, boolean hasBody);

  /**
   * Part of the body, decoded (no chunk framing): a retained slice of the bytes read, which the exchange releases
   * once it has written it (no copy on the way through).
   */
  void body(ByteBuf data);

  /**
   * The response ended, with {@code last} its last bytes (or null; released by the exchange as in {@link #body});
   * the connection is no longer this one's.
   */
  void end(ByteBuf last);

  /**
   * The connection failed before the response ended. {@code beforeResponse} is true when not one byte of a
   * response had arrived (a request on a reused connection may then be sent again on a new one).
   */
  void failed(Throwable err, boolean beforeResponse);

  /** The connection can take more of the request body. */
  void writable();
}
