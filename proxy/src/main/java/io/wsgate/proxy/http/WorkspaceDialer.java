package io.wsgate.proxy.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.wsgate.config.Inet4Sockets;
import io.wsgate.workspace.Endpoint;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Opens TCP connections to workspaces as Netty channels of one event loop, on Vert.x's transport (epoll where the
 * JVM finds it) and resolver, with no Vert.x connection on top: the caller's handler is the channel's only one.
 * Used for the keep-alive connections of {@link WorkspaceConnections} and for each WebSocket's own connection, so
 * both sides of a request or a tunnel live on the thread of the client's connection. Keeps every channel it opened
 * until it closes, so {@link #close} ends them all; {@link #close} may be called from any thread. A workspace at an
 * IPv4 address is dialed from an IPv4 socket where the transport can make one ({@link Inet4Sockets}): one system call
 * less per connection than Vert.x's dual-stack sockets.
 */
public final class WorkspaceDialer {

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  /** The same, on IPv4 sockets: for IPv4 addresses. */
  private final Bootstrap inet4;
  private final ChannelGroup all;

  private WorkspaceDialer(VertxInternal vertx, EventLoop loop, long connectTimeoutMs) {
    this.loop = loop;
    this.all = new DefaultChannelGroup(loop);
    // no TCP_NODELAY option: Netty's socket channels (epoll and NIO) turn Nagle off themselves, and setting it again
    // cost a system call per connection
    this.bootstrap = bootstrap(vertx, loop, connectTimeoutMs).channelFactory(vertx.transport().channelFactory(false));
    this.inet4 = vertx.transport() instanceof Inet4Sockets sockets
        ? bootstrap(vertx, loop, connectTimeoutMs).channelFactory(sockets.inet4ChannelFactory()) : bootstrap;
  }

  private static Bootstrap bootstrap(VertxInternal vertx, EventLoop loop, long connectTimeoutMs) {
    return new Bootstrap().group(loop).resolver(vertx.nameResolver().nettyAddressResolverGroup())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMs));
  }

  /** A dialer for the calling event loop; for {@link PerEventLoop}. */
  public static WorkspaceDialer onThisLoop(Vertx vertx, long connectTimeoutMs) {
    ContextInternal ctx = ContextInternal.current();
    if (ctx == null || !ctx.inThread()) {
      throw new IllegalStateException("workspace connections are made on an event loop");
    }
    return new WorkspaceDialer((VertxInternal) vertx, ctx.nettyEventLoop(), connectTimeoutMs);
  }

  /** The event loop every channel of this dialer lives on. */
  public EventLoop loop() {
    return loop;
  }

  /**
   * Connects to {@code endpoint} with {@code handler} as the channel's handler; the future fails at once if the
   * endpoint's host is neither an IP literal nor a name.
   */
  public io.netty.util.concurrent.Future<Void> connect(Endpoint endpoint, ChannelHandler handler) {
    InetSocketAddress address;
    try {
      address = address(endpoint);
    } catch (UnknownHostException e) {
      return loop.newFailedFuture(e);
    }
    Bootstrap b = address.getAddress() instanceof Inet4Address ? inet4 : bootstrap;
    ChannelFuture connecting = b.clone().handler(handler).connect(address);
    all.add(connecting.channel());
    return connecting;
  }

  /** Closes every channel this dialer opened that is still open. */
  public Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    all.close().addListener(f -> closed.complete());
    return closed.future();
  }

  /** An IP literal as it is; a name through Vert.x's resolver, when the connection is made. */
  private static InetSocketAddress address(Endpoint endpoint) throws UnknownHostException {
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(endpoint.host());
    if (ip != null) {
      return new InetSocketAddress(InetAddress.getByAddress(ip), endpoint.port());
    }
    return InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port());
  }
}
