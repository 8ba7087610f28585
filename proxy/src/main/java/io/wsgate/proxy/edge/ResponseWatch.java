package io.wsgate.proxy.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * For {@link StrictRequestDecoder}: counts final response heads and ends as they are written (1xx are not final),
 * so a refusal never lands in the middle of a response. It goes after the encoder, to see Netty's HTTP objects.
 */
final class ResponseWatch extends ChannelOutboundHandlerAdapter {

  private int heads;
  private int ends;

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    boolean informational = msg instanceof HttpResponse r && r.status().code() < 200;
    if (!informational) {
      if (msg instanceof HttpResponse) {
        heads++;
      }
      if (msg instanceof LastHttpContent) {
        ends++;
      }
    }
    super.write(ctx, msg, promise);
  }

  /** True if every earlier request has its whole response and request {@code n} none of it yet. */
  boolean canAnswer(int n) {
    return heads == n - 1 && ends == n - 1;
  }
}
