import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;

/**
 * The least a proxy built on Netty's epoll transport does, as the floor under wsgate's WebSocket figures in
 * {@code bench/floor.sh}: one event loop, which also accepts; each accepted connection joined to a connection of its
 * own to the origin, opened on the same loop, and the bytes relayed both ways as they are read (no parsing at all: an
 * HTTP request, a WebSocket upgrade and its frames pass alike), flushed once per read batch, with a side whose peer
 * is backed up paused until it drains, as wsgate's tunnel does. No routing, no auth, no frame scanning, no activity,
 * no meters, no timeouts.
 *
 * <p>Run with the shipped jar on the classpath (it carries Netty and the gateway's epoll transport):
 * {@code java -cp proxy/target/wsgate.jar bench/NettyFloor.java PORT ORIGIN_PORT}.
 */
public final class NettyFloor {

  private NettyFloor() {
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: java -cp wsgate.jar bench/NettyFloor.java PORT ORIGIN_PORT");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int originPort = Integer.parseInt(args[1]);
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    new ServerBootstrap().group(loop, loop).channel(EpollServerSocketChannel.class)
        .childOption(ChannelOption.AUTO_READ, false) // until the origin's connection is open
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel client) {
            client.pipeline().addLast(new Relay(null, originPort));
          }
        })
        .bind("127.0.0.1", port).sync();
    System.out.println("Netty floor listening on 127.0.0.1:" + port + ", origin 127.0.0.1:" + originPort);
    Thread.currentThread().join();
  }

  /** One side of a relayed connection: what it reads goes to {@link #peer}. */
  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final int originPort;
    private Channel peer;

    Relay(Channel peer, int originPort) {
      this.peer = peer;
      this.originPort = originPort;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (peer != null) {
        return; // the origin's side: the client's side reads once this connection is open
      }
      Channel client = ctx.channel();
      new Bootstrap().group(client.eventLoop()).channel(EpollSocketChannel.class)
          .handler(new Relay(client, originPort))
          .connect("127.0.0.1", originPort)
          .addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
              client.close();
              return;
            }
            peer = connected.channel();
            if (client.isActive()) {
              client.config().setAutoRead(true);
            } else {
              peer.close(); // the client left while this connection was being opened
            }
          });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      peer.write(msg, peer.voidPromise());
      if (!peer.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable() && peer != null) {
        peer.config().setAutoRead(true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (peer != null) {
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
