package io.wsgate.proxy.edge;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * A client connection's idle timeout ({@code WSGATE_IDLE_TIMEOUT}), in place of the Netty {@code IdleStateHandler}
 * Vert.x puts on each connection: after a whole timeout with nothing read and nothing written, Vert.x's connection
 * gets the same all-idle event and closes. Netty's handler learns that a write completed through a listener on the
 * write's promise; on a Vert.x connection that promise is a bridge to a Vert.x promise, and completing it cost a
 * dispatch on the connection's context and two clock reads per response (profiled; without it, and without the
 * forwarder's own listener, a proxied {@code GET} took 2.5 % less CPU). This one only notes that something was read or written, and looks every quarter of the timeout: the
 * fourth quiet look in a row fires, so between one and one and a quarter timeouts after the last read or write. A
 * write counts when it is made: a client that stops reading gets no further writes (back-pressure stops the
 * workspace's side), so it is cut off as before.
 */
final class IdleWatch extends ChannelDuplexHandler {

  private static final int LOOKS = 4;

  private final long lookNanos;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> next;
  private boolean busy;
  private int quiet;

  IdleWatch(long timeoutNanos) {
    if (timeoutNanos <= 0) {
      throw new IllegalArgumentException("an idle timeout must be positive");
    }
    this.lookNanos = Math.max(1, timeoutNanos / LOOKS);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      arm();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm();
    super.channelActive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    disarm();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarm();
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    busy = true;
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    busy = true;
    ctx.write(msg, promise);
  }

  private void arm() {
    if (next == null) {
      busy = true; // a connection starts with a whole timeout ahead of it
      next = ctx.executor().schedule(this::look, lookNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void disarm() {
    if (next != null) {
      next.cancel(false);
    }
    next = null;
  }

  private void look() {
    if (next == null || !ctx.channel().isOpen()) {
      return;
    }
    if (busy) {
      busy = false;
      quiet = 0;
    } else if (++quiet >= LOOKS) {
      quiet = 0;
      ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT); // Vert.x closes the connection
    }
    if (next != null && ctx.channel().isOpen()) {
      next = ctx.executor().schedule(this::look, lookNanos, TimeUnit.NANOSECONDS);
    }
  }
}
