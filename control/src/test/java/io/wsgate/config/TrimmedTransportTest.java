package io.wsgate.config;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.transport.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's transports set no socket option to the value the socket already has, and the sockets still have it. */
class TrimmedTransportTest {

  static List<NetTransport> transports() {
    return List.of(NetTransport.NIO, NetTransport.auto()); // auto is epoll on this machine (NetTransportTest)
  }

  @ParameterizedTest
  @MethodSource("transports")
  void optionsAtTheSocketsOwnValueAreLeftOut(NetTransport t) {
    Transport vertxOwn = t.description().equals("nio") ? Transport.NIO : Transport.EPOLL;
    ServerBootstrap asVertx = new ServerBootstrap();
    vertxOwn.implementation().configure(new NetServerOptions(), false, asVertx);
    ServerBootstrap trimmed = new ServerBootstrap();
    t.transport().implementation().configure(new NetServerOptions(), false, trimmed);

    assertThat(asVertx.config().childOptions()).containsEntry(ChannelOption.TCP_NODELAY, true)
        .containsEntry(ChannelOption.SO_KEEPALIVE, false);
    assertThat(trimmed.config().childOptions()).doesNotContainKeys(ChannelOption.TCP_NODELAY,
        ChannelOption.SO_KEEPALIVE, EpollChannelOption.TCP_CORK, EpollChannelOption.TCP_USER_TIMEOUT);
    assertThat(trimmed.config().childOptions()).hasSize(asVertx.config().childOptions().size()
        - (vertxOwn == Transport.EPOLL ? 4 : 2));
    if (vertxOwn == Transport.EPOLL) {
      assertThat(trimmed.config().childOptions()).containsEntry(EpollChannelOption.TCP_QUICKACK, false);
    }

    Bootstrap client = new Bootstrap();
    t.transport().implementation().configure(new NetClientOptions(), 1000, false, client);
    assertThat(client.config().options()).doesNotContainKeys(ChannelOption.TCP_NODELAY, ChannelOption.SO_KEEPALIVE,
        EpollChannelOption.TCP_CORK, EpollChannelOption.TCP_USER_TIMEOUT);
    assertThat(client.config().options()).containsEntry(ChannelOption.SO_REUSEADDR, true)
        .containsEntry(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000);
  }

  @ParameterizedTest
  @MethodSource("transports")
  void anyOtherValueIsSet(NetTransport t) {
    ServerBootstrap server = new ServerBootstrap();
    t.transport().implementation().configure(new NetServerOptions().setTcpKeepAlive(true).setTcpNoDelay(false),
        false, server);
    assertThat(server.config().childOptions()).containsEntry(ChannelOption.SO_KEEPALIVE, true)
        .containsEntry(ChannelOption.TCP_NODELAY, false);
    Bootstrap client = new Bootstrap();
    t.transport().implementation().configure(new NetClientOptions().setTcpKeepAlive(true), 1000, false, client);
    assertThat(client.config().options()).containsEntry(ChannelOption.SO_KEEPALIVE, true);
  }

  /** What the sockets have, read back from the kernel: no delay, no keepalive, on both ends of a connection. */
  @ParameterizedTest
  @MethodSource("transports")
  void acceptedAndOpenedSocketsHaveNoDelayAndNoKeepalive(NetTransport t) throws Exception {
    Vertx vertx = Vertx.builder().withTransport(t.transport()).build();
    try {
      Promise<NetSocket> accepted = Promise.promise();
      NetServer server = vertx.createNetServer().connectHandler(accepted::tryComplete);
      int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
      NetSocket opened = vertx.createNetClient().connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
      for (NetSocket so : List.of(accepted.future().await(10, TimeUnit.SECONDS), opened)) {
        ChannelConfig config = ((NetSocketInternal) so).channelHandlerContext().channel().config();
        assertThat(config.getOption(ChannelOption.TCP_NODELAY)).as("TCP_NODELAY").isTrue();
        assertThat(config.getOption(ChannelOption.SO_KEEPALIVE)).as("SO_KEEPALIVE").isFalse();
        if (t.description().equals("epoll")) {
          assertThat(config.getOption(EpollChannelOption.TCP_CORK)).as("TCP_CORK").isFalse();
          assertThat(config.getOption(EpollChannelOption.TCP_USER_TIMEOUT)).as("TCP_USER_TIMEOUT").isZero();
        }
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** A method Vert.x adds to its transport interface would otherwise quietly fall to the interface's default. */
  @Test
  void everyMethodOfVertxsTransportIsPassedOn() throws Exception {
    for (Method m : io.vertx.core.spi.transport.Transport.class.getMethods()) {
      if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        assertThat(TrimmedTransport.Implementation.class.getDeclaredMethod(m.getName(), m.getParameterTypes()))
            .as(m.toString()).isNotNull();
      }
    }
  }
}
