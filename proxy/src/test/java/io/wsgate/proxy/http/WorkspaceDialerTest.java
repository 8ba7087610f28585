package io.wsgate.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.wsgate.config.NetTransport;
import io.wsgate.workspace.Endpoint;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dialer's connections, on each transport: on the event loop that asked, with Nagle's algorithm off (read back
 * from the socket: the dialer leaves that to Netty's own default), and all closed by {@link WorkspaceDialer#close}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkspaceDialerTest {

  static List<NetTransport> transports() {
    return List.of(NetTransport.NIO, NetTransport.auto()); // auto is epoll on this machine (NetTransportTest)
  }

  @ParameterizedTest
  @MethodSource("transports")
  void connectionsAreOnTheCallersLoopWithNagleOffAndCloseTogether(NetTransport t) throws Exception {
    Vertx vertx = Vertx.builder().withTransport(t.transport()).build();
    try (ServerSocket workspace = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ContextInternal loop = (ContextInternal) vertx.getOrCreateContext();
      Promise<WorkspaceDialer> made = Promise.promise();
      loop.runOnContext(v -> made.complete(WorkspaceDialer.onThisLoop(vertx, 5_000)));
      WorkspaceDialer dialer = made.future().await(10, TimeUnit.SECONDS);
      assertThat(dialer.loop()).isSameAs(loop.nettyEventLoop());

      Endpoint endpoint = new Endpoint("127.0.0.1", workspace.getLocalPort());
      Channel first = connect(loop, dialer, endpoint);
      Channel second = connect(loop, dialer, endpoint);
      try (Socket a = workspace.accept(); Socket b = workspace.accept()) {
        for (Channel c : List.of(first, second)) {
          assertThat(c.eventLoop()).isSameAs(loop.nettyEventLoop());
          assertThat(c.config().getOption(ChannelOption.TCP_NODELAY)).as("Nagle off on %s", t.description())
              .isTrue();
        }
        dialer.close().await(10, TimeUnit.SECONDS);
        assertThat(first.isOpen()).isFalse();
        assertThat(second.isOpen()).isFalse();
        assertThat(a.getInputStream().read()).as("the workspace sees the close").isEqualTo(-1);
      }
    } finally {
      vertx.close().await();
    }
  }

  private static Channel connect(ContextInternal loop, WorkspaceDialer dialer, Endpoint endpoint)
      throws Exception {
    Promise<Channel> active = Promise.promise();
    loop.runOnContext(v -> dialer.connect(endpoint, new ChannelInboundHandlerAdapter() {
      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        active.complete(ctx.channel());
      }
    }).addListener(f -> {
      if (!f.isSuccess()) {
        active.tryFail(f.cause());
      }
    }));
    return active.future().await(10, TimeUnit.SECONDS);
  }
}
