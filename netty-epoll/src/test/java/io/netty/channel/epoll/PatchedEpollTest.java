package io.netty.channel.epoll;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The patched classes of Netty's epoll transport on real sockets: what they leave out (a system call per address,
 * per family, per send buffer size, per linger check, per deregistration) must not change what a channel knows or
 * does. The interest set each socket has in its event loop's epoll is read from {@code /proc/self/fdinfo}.
 */
@Timeout(60)
class PatchedEpollTest {

  /** The release of Netty's epoll transport the patched classes were made from (netty-epoll/README.md). */
  private static final String PATCHED_FROM = "4.2.18.Final";
  private static final int IN = Native.EPOLLIN;
  private static final int OUT = Native.EPOLLOUT;
  private static final int RDHUP = Native.EPOLLRDHUP;

  private static EventLoopGroup group;

  @BeforeAll
  static void start() {
    Epoll.ensureAvailability();
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void thePatchedClassesAreTheOnesOnTheClasspath() {
    Path patched = codeSource(LinuxSocket.class);
    assertThat(patched.toString()).doesNotContain("netty-transport");
    for (Class<?> type : List.of(AbstractEpollChannel.class, EpollChannelConfig.class, EpollServerSocketChannel.class,
        EpollSocketChannel.class, EpollSocketChannelConfig.class, io.netty.channel.unix.Socket.class)) {
      assertThat(codeSource(type)).as(type.getName()).isEqualTo(patched);
    }
    // Netty's own classes beside them are of the release the patch was made from: another needs the patch redone
    assertThat(codeSource(EpollIoHandler.class).getFileName().toString())
        .as("netty.epoll.version moved: redo the patch from that release's sources (netty-epoll/README.md)")
        .isEqualTo("netty-transport-classes-epoll-" + PATCHED_FROM + ".jar");
  }

  @Test
  void acceptedAndConnectedChannelsKnowBothAddressesAndTheirFamily() throws Exception {
    try (Connection c = connect(false, true)) {
      Channel client = c.client;
      Channel child = c.child;
      InetSocketAddress serverAddress = (InetSocketAddress) c.server.localAddress();

      assertThat(client.remoteAddress()).isEqualTo(serverAddress);
      assertThat(((InetSocketAddress) client.localAddress()).getPort()).isPositive();
      assertThat(child.localAddress()).isEqualTo(serverAddress);
      assertThat(child.remoteAddress()).isEqualTo(client.localAddress());
      assertThat(((EpollSocketChannel) client).socket.isIpv6Family()).isFalse();
      assertThat(((EpollSocketChannel) child).socket.isIpv6Family()).isFalse();

      client.close().sync();
      child.closeFuture().await(10, TimeUnit.SECONDS);
      // asked before the close: kept
      assertThat(child.localAddress()).isEqualTo(serverAddress);
    }
  }

  @Test
  void aSocketIsInItsLoopsEpollOnceWithTheInterestItReadsWithAndGoneOnceClosed() throws Exception {
    try (Connection c = connect(true, true)) {
      Channel client = c.client;
      Channel child = c.child;
      BlockingQueue<String> clientReads = c.clientReads;
      client.writeAndFlush(Unpooled.copiedBuffer(new byte[] {'h', 'i'})).sync();
      assertThat(clientReads.poll(10, TimeUnit.SECONDS)).isEqualTo("hi");

      // reading sockets: EPOLLIN and EPOLLRDHUP, no EPOLLOUT left from the connect
      int childFd = fd(child);
      int clientFd = fd(client);
      assertThat(interest(childFd)).containsExactly(IN | RDHUP);
      assertThat(interest(clientFd)).containsExactly(IN | RDHUP);

      client.close().sync();
      child.closeFuture().await(10, TimeUnit.SECONDS);
      // closed without EPOLL_CTL_DEL: epoll has forgotten them all the same
      runOnLoop(client);
      assertThat(interest(childFd)).isEmpty();
      assertThat(interest(clientFd)).isEmpty();
    }
  }

  @Test
  void aChannelThatDoesNotReadAtConnectIsNotRegisteredForReadingAndReadsOnlyWhenAsked() throws Exception {
    try (Connection c = connect(false, false)) {
      Channel client = c.client;
      BlockingQueue<String> clientReads = c.clientReads;
      c.child.writeAndFlush(Unpooled.copiedBuffer(new byte[] {'n', 'o', 'w'})).sync();
      runOnLoop(client);

      assertThat(interest(fd(client))).containsExactly(RDHUP);
      assertThat(clientReads).isEmpty();

      client.read();
      assertThat(clientReads.poll(10, TimeUnit.SECONDS)).isEqualTo("now");
    }
  }

  @Test
  void aGatheringWriteLargerThanTheSendBufferArrivesWholeAndInOrder() throws Exception {
    BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    Channel server = server(accepted, false);
    InetSocketAddress address = (InetSocketAddress) server.localAddress();
    int parts = 64;
    int partSize = 64 * 1024;
    try (Socket peer = new Socket(address.getAddress(), address.getPort())) {
      Channel child = accepted.poll(10, TimeUnit.SECONDS);
      CompositeByteBuf message = Unpooled.compositeBuffer(parts);
      for (int i = 0; i < parts; i++) {
        byte[] part = new byte[partSize];
        java.util.Arrays.fill(part, (byte) i);
        message.addComponent(true, Unpooled.wrappedBuffer(part));
      }
      CompletableFuture<Void> written = new CompletableFuture<>();
      child.writeAndFlush(message).addListener(f -> written.complete(null));

      InputStream in = peer.getInputStream();
      byte[] received = in.readNBytes(parts * partSize);
      written.get(10, TimeUnit.SECONDS);
      assertThat(received).hasSize(parts * partSize);
      for (int i = 0; i < parts; i++) {
        assertThat(received[i * partSize]).isEqualTo((byte) i);
        assertThat(received[i * partSize + partSize - 1]).isEqualTo((byte) i);
      }
    } finally {
      server.close().sync();
    }
  }

  @Test
  void soLingerSetThroughTheConfigStillClosesTheLingeringWay() throws Exception {
    BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    Channel server = server(accepted, false);
    InetSocketAddress address = (InetSocketAddress) server.localAddress();
    try (Socket peer = new Socket(address.getAddress(), address.getPort())) {
      Channel child = accepted.poll(10, TimeUnit.SECONDS);
      EpollSocketChannelConfig config = (EpollSocketChannelConfig) child.config();
      assertThat(config.isSoLingerSet()).isFalse();
      config.setSoLinger(1);
      assertThat(config.isSoLingerSet()).isTrue();
      assertThat(config.getSoLinger()).isEqualTo(1);

      child.writeAndFlush(Unpooled.copiedBuffer(new byte[] {'b', 'y', 'e'})).sync();
      child.close().sync();
      InputStream in = peer.getInputStream();
      assertThat(in.readNBytes(3)).containsExactly('b', 'y', 'e');
      assertThat(in.read()).isEqualTo(-1);
    } finally {
      server.close().sync();
    }
  }

  /** A server, a client connected to it (what it reads in {@code clientReads}) and the channel the server accepted. */
  private record Connection(Channel server, Channel client, Channel child, BlockingQueue<String> clientReads)
      implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      client.close().sync();
      server.close().sync();
    }
  }

  private static Connection connect(boolean echo, boolean autoRead) throws InterruptedException {
    BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
    BlockingQueue<String> clientReads = new LinkedBlockingQueue<>();
    Channel server = server(accepted, echo);
    Channel client = client(SocketProtocolFamily.INET, reader(clientReads), autoRead)
        .connect(server.localAddress()).sync().channel();
    Channel child = accepted.poll(10, TimeUnit.SECONDS);
    assertThat(child).as("the server accepted the client").isNotNull();
    return new Connection(server, client, child, clientReads);
  }

  /** A server on 127.0.0.1 that hands each accepted channel to {@code accepted}, and echoes if asked to. */
  private static Channel server(BlockingQueue<Channel> accepted, boolean echo) throws InterruptedException {
    return new ServerBootstrap().group(group)
        .channelFactory(() -> new EpollServerSocketChannel(SocketProtocolFamily.INET))
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            if (echo) {
              ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  ctx.writeAndFlush(msg);
                }
              });
            }
            accepted.add(ch);
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  private static Bootstrap client(SocketProtocolFamily family, ChannelInboundHandlerAdapter handler, boolean autoRead) {
    return new Bootstrap().group(group).channelFactory(() -> new EpollSocketChannel(family))
        .option(ChannelOption.AUTO_READ, autoRead)
        .handler(handler);
  }

  private static ChannelInboundHandlerAdapter reader(BlockingQueue<String> reads) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        reads.add(buf.toString(java.nio.charset.StandardCharsets.US_ASCII));
        buf.release();
      }
    };
  }

  /** Waits until the channel's event loop has run every task queued so far (the deferred interest among them). */
  private static void runOnLoop(Channel channel) throws Exception {
    channel.eventLoop().submit(() -> { }).get(10, TimeUnit.SECONDS);
  }

  private static int fd(Channel channel) {
    return ((AbstractEpollChannel) channel).fd().intValue();
  }

  /**
   * The interest (EPOLLIN, EPOLLOUT, EPOLLRDHUP) with which each epoll instance of this process that watches file
   * descriptor {@code fd} watches it: none if no epoll does.
   */
  private static List<Integer> interest(int fd) throws IOException {
    List<Integer> masks = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fdinfo"))) {
      for (Path info : fds.toList()) {
        List<String> lines;
        try {
          lines = Files.readAllLines(info);
        } catch (IOException gone) {
          continue; // closed while listed
        }
        for (String line : lines) {
          // "tfd:       27 events:   80002019 data: ..."
          String[] f = line.trim().split("\\s+");
          if (f.length >= 4 && f[0].equals("tfd:") && Integer.parseInt(f[1]) == fd) {
            masks.add((int) Long.parseLong(f[3], 16) & (IN | OUT | RDHUP));
          }
        }
      }
    }
    return masks;
  }

  private static Path codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
