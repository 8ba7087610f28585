package io.wsgate.config;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;

import java.net.SocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * A Vert.x transport (NIO or epoll) that does not set a socket option to the value the socket already has. Vert.x
 * puts every TCP option it knows on each connection it accepts or opens, defaults included, and Netty makes one
 * {@code setsockopt} system call for each, on top of its own: {@code TCP_NODELAY} on (which Netty's channel has
 * already set when it made the socket), {@code SO_KEEPALIVE} off, and on epoll {@code TCP_CORK} off and
 * {@code TCP_USER_TIMEOUT} 0 (Linux's defaults). That is 8 of the 14 {@code setsockopt}s of a relayed WebSocket's
 * handshake (the client's connection and the workspace's). Any other value, and any other option, is set as Vert.x
 * would ({@code TCP_QUICKACK} off, for one, is not Linux's default).
 *
 * <p>It also opens IPv4 sockets for IPv4 peers ({@link Inet4Sockets}): Vert.x's TCP channels are IPv6 sockets
 * wherever the machine has IPv6, made dual-stack with one more {@code setsockopt} ({@code IPV6_V6ONLY} off) each.
 */
final class TrimmedTransport implements Transport {

  /** Option values each socket has when it is made: the kernel's, or Netty's channel's own default. */
  static final Map<ChannelOption<?>, Object> ALREADY_SO = Map.of(
      ChannelOption.TCP_NODELAY, true,
      ChannelOption.SO_KEEPALIVE, false,
      io.netty.channel.epoll.EpollChannelOption.TCP_CORK, false,
      io.netty.channel.epoll.EpollChannelOption.TCP_USER_TIMEOUT, 0);

  private final Transport vertx;
  private final ChannelFactory<? extends Channel> inet4;

  /** Vert.x's {@code vertx} transport; {@code inet4} makes the same transport's TCP channel as an IPv4 socket. */
  TrimmedTransport(Transport vertx, ChannelFactory<? extends Channel> inet4) {
    this.vertx = vertx;
    this.inet4 = inet4;
  }

  @Override
  public String name() {
    return vertx.name();
  }

  @Override
  public boolean available() {
    return vertx.available();
  }

  @Override
  public Throwable unavailabilityCause() {
    return vertx.unavailabilityCause();
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    return new Implementation(vertx.implementation(), inet4);
  }

  /** Vert.x's implementation, but for the two {@code configure} methods of TCP sockets, and IPv4 sockets on demand. */
  static final class Implementation implements io.vertx.core.spi.transport.Transport, Inet4Sockets {
    private final io.vertx.core.spi.transport.Transport vertx;
    private final ChannelFactory<? extends Channel> inet4;

    Implementation(io.vertx.core.spi.transport.Transport vertx, ChannelFactory<? extends Channel> inet4) {
      this.vertx = vertx;
      this.inet4 = inet4;
    }

    @Override
    public ChannelFactory<? extends Channel> inet4ChannelFactory() {
      return inet4;
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
      vertx.configure(options, domainSocket, bootstrap);
      leaveOut(bootstrap.config().childOptions(), option -> bootstrap.childOption(option, null)); // null removes it
    }

    @Override
    public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
      vertx.configure(options, connectTimeout, domainSocket, bootstrap);
      leaveOut(bootstrap.config().options(), option -> bootstrap.option(option, null));
    }

    /** Removes from a bootstrap each of {@code options} that would set the value the socket already has. */
    private static void leaveOut(Map<ChannelOption<?>, Object> options, Consumer<ChannelOption<?>> remove) {
      options.forEach((option, value) -> {
        if (Objects.equals(ALREADY_SO.get(option), value)) {
          remove.accept(option);
        }
      });
    }

    // the rest as Vert.x's (TrimmedTransportTest checks that every method of the interface is here)

    @Override
    public boolean supportsDomainSockets() {
      return vertx.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
      return vertx.supportFileRegion();
    }

    @Override
    public boolean isAvailable() {
      return vertx.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
      return vertx.unavailabilityCause();
    }

    @Override
    public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
      return vertx.convert(address);
    }

    @Override
    public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
      return vertx.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return vertx.ioHandlerFactory();
    }

    @Override
    public EventLoopGroup eventLoopGroup(int type, int nThreads, ThreadFactory threadFactory, int ioRatio) {
      return vertx.eventLoopGroup(type, nThreads, threadFactory, ioRatio);
    }

    @Override
    public DatagramChannel datagramChannel() {
      return vertx.datagramChannel();
    }

    @Override
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
      return vertx.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
      return vertx.channelFactory(domainSocket);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
      return vertx.serverChannelFactory(domainSocket);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
      vertx.configure(channel, options);
    }
  }
}
