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
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dialer's connections, on each transport: on the event loop that asked, with Nagle's algorithm off (read back
 * from the socket: the dialer leaves that to Netty's own default), from an IPv4 socket to an IPv4 workspace, and all
 * closed by {@link WorkspaceDialer#close}.
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
          int port = ((InetSocketAddress) c.localAddress()).getPort();
          assertThat(socketTable(port)).as("the kernel's table of the socket from port %d on %s", port,
              t.description()).isEqualTo("/proc/net/tcp");
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

  /**
   * Which of the kernel's TCP tables lists the connection from local {@code port}: {@code /proc/net/tcp} for an IPv4
   * socket, {@code /proc/net/tcp6} for an IPv6 one (a dual-stack socket connected to an IPv4 address is listed there,
   * with the address mapped).
   */
  private static String socketTable(int port) throws Exception {
    String hexPort = String.format(":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 2 && f[1].endsWith(hexPort)) {
          return table;
        }
      }
    }
    return "neither";
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
