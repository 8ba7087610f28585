package io.wsgate.proxy.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.wsgate.activity.WebSocketActivity;
import io.wsgate.metrics.Meters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * One relayed WebSocket after its 101: the client's and the workspace's TCP connections joined byte for byte as bare
 * Netty channels of one event loop, one {@link FrameScanner} per direction counting messages for activity and
 * enforcing the protocol. What is read is passed on as it came, in the buffer it was read into (no copy), and
 * flushed once per read batch; a side whose peer's write buffer is over Netty's high-water mark stops reading until
 * the peer drains. Frames the gateway sends itself (keepalive pings, closes) go out only at a frame boundary of their
 * direction.
 *
 * <p>Closing follows RFC 6455 section 7: close frames pass through unchanged, and the client's connection is closed
 * once a close went each way on it. A side that vanishes without a close frame is reported to the other with 1001.
 * Once a close frame went toward a side, nothing more is sent to it. Lives on the event loop of both connections;
 * {@link #close} and {@link #ping} may be called from any thread.
 */
final class Tunnel {

  private static final Logger log = LoggerFactory.getLogger(Tunnel.class);
  /** How long a close handshake the gateway started may take before the connections are closed anyway. */
  static final long CLOSING_TIMEOUT_MS = 10_000;
  /** How long a client whose connection the gateway closes may go on sending (dropped) before it is cut off. */
  static final long LINGER_MS = 5_000;
  /** The name of the tunnel's handler in each channel's pipeline. */
  static final String HANDLER = "wsgateTunnel";

  private final Channel client;
  private final Channel upstream;
  private final EventLoop loop;
  private final WebSocketActivity counted;
  private final Meters meters;
  private final byte[] keepalive;
  final FrameScanner fromClient;
  final FrameScanner fromWorkspace;
  private final Promise<Void> closed = Promise.promise();
  private boolean closeToClient;
  private boolean closeFromClient;
  private boolean closeToWorkspace;
  /** A close the gateway wants to send the client once the workspace's frame under way has passed. */
  private ByteBuf pendingClose;
  private ScheduledFuture<?> closingTimer;
  private ScheduledFuture<?> lingerTimer;
  /** The write of the close frame to the client, once sent: the client's output is shut down after it. */
  private ChannelFuture closeFrameToClient;
  private boolean clientClosing;
  /** Bytes written to a side since its last flush. */
  private boolean clientUnflushed;
  private boolean upstreamUnflushed;
  private Runnable onClosed;
  private final ClientStall stall = new ClientStall();

  /** Both channels on one event loop, with no handler reading them: {@link #start} adds the tunnel's. */
  Tunnel(Channel client, Channel upstream, WebSocketActivity counted, Meters meters, long maxMessage,
         byte[] keepalive) {
    if (client.eventLoop() != upstream.eventLoop()) {
      throw new IllegalArgumentException("the client's and the workspace's connections must share an event loop");
    }
    this.client = client;
    this.upstream = upstream;
    this.loop = client.eventLoop();
    this.counted = counted;
    this.meters = meters;
    this.keepalive = keepalive;
    this.fromClient = new FrameScanner(true, maxMessage, new FromClient());
    this.fromWorkspace = new FrameScanner(false, maxMessage, new FromWorkspace());
  }

  /**
   * The channel of {@code ctx} with every handler but TLS taken out of its pipeline (a Vert.x connection's HTTP codec,
   * its handler and the server's idle timeout): from here on only the handler {@link #start} adds reads it, and
   * Vert.x's server or client still closes it when they close. The idle timeout counted completed writes as
   * activity, so the keepalive pings kept it from firing for a client that reads; for one that stopped reading,
   * {@link ClientStall} does its work. It cost a write listener and a clock read on every message.
   */
  static Channel takeOver(ChannelHandlerContext ctx) {
    ChannelPipeline pipeline = ctx.pipeline();
    for (String name : pipeline.names()) {
      ChannelHandler handler = pipeline.get(name);
      if (handler != null && !(handler instanceof SslHandler)) {
        pipeline.remove(handler);
      }
    }
    return ctx.channel();
  }

  /**
   * Starts relaying, {@code early} first (what the workspace sent right after its 101, possibly nothing);
   * {@code onClosed} runs once, when the client's connection has closed. Call on the channels' event loop.
   */
  void start(ByteBuf early, Runnable onClosed) {
    this.onClosed = onClosed;
    client.pipeline().addLast(HANDLER, new ClientSide());
    upstream.pipeline().addLast(HANDLER, new WorkspaceSide());
    try {
      if (early.isReadable()) {
        workspaceSent(early);
        flush();
      }
    } finally {
      early.release();
    }
    if (!upstream.isActive()) {
      workspaceGone();
    }
    if (!client.isActive()) {
      clientGone();
    }
    // each side reads unless its peer is backed up already (the early bytes may have filled the client's buffer)
    if (upstream.isWritable()) {
      client.config().setAutoRead(true);
    }
    if (client.isWritable()) {
      upstream.config().setAutoRead(true);
    }
  }

  private void workspaceSent(ByteBuf chunk) {
    fromWorkspace.scan(chunk);
    if (pendingClose != null && fromWorkspace.atBoundary()) {
      ByteBuf close = pendingClose;
      pendingClose = null;
      sendClient(close);
    }
  }

  /** Completes when the client's connection has closed. */
  Future<Void> closed() {
    return closed.future();
  }

  boolean isClosed() {
    return closed.future().isComplete();
  }

  /** Sends the client a keepalive ping if the workspace is not in the middle of a frame to it. */
  void ping() {
    if (!loop.inEventLoop()) {
      loop.execute(this::ping);
      return;
    }
    if (stall.sweep(pendingToClient())) {
      log.debug("client took nothing and sent nothing for {} keepalive sweeps: closing its connection",
          ClientStall.SWEEPS);
      client.close();
      return;
    }
    if (!closeToClient && pendingClose == null && fromWorkspace.atBoundary()) {
      ByteBuf ping = ControlFrames.frame(FrameScanner.OP_PING, keepalive, false);
      stall.queued(ping.readableBytes());
      client.writeAndFlush(ping, client.voidPromise());
    }
  }

  /** Bytes written to the client and not yet taken by its socket. */
  long pendingToClient() {
    ChannelOutboundBuffer out = client.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  /** Bytes the client's socket has taken so far. */
  long takenByClient() {
    return stall.taken(pendingToClient());
  }

  /**
   * Closes the socket from the gateway's side: {@code code} and {@code reason} to the client (after the workspace's
   * frame under way, if any) and to the workspace; completes when the client's connection has closed.
   */
  Future<Void> close(short code, String reason) {
    if (!loop.inEventLoop()) {
      loop.execute(() -> close(code, reason));
      return closed();
    }
    if (!isClosed()) {
      ByteBuf toClient = ControlFrames.close(code, reason, false);
      if (pendingClose != null) {
        pendingClose.release();
        pendingClose = null;
      }
      if (fromWorkspace.atBoundary()) {
        sendClient(toClient);
      } else {
        pendingClose = toClient;
      }
      sendWorkspace(ControlFrames.close(code, reason, true));
      if (closingTimer == null) {
        closingTimer = loop.schedule(() -> {
          client.close();
          upstream.close();
        }, CLOSING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      }
    }
    return closed();
  }

  private void sendClient(ByteBuf closeFrame) {
    if (closeToClient) {
      closeFrame.release();
      return;
    }
    closeToClient = true;
    fromWorkspace.stop(); // nothing after a close
    closeFrameToClient = client.writeAndFlush(closeFrame);
    if (closeFromClient) {
      closeAfterWrites(client);
    }
  }

  /**
   * Closes {@code ch} once what was written to it has gone out: Netty's close drops what is still queued (the Vert.x
   * socket's close did not). A peer that takes nothing more is cut off after {@link #CLOSING_TIMEOUT_MS}.
   */
  private void closeAfterWrites(Channel ch) {
    ChannelFuture flushed = ch.writeAndFlush(Unpooled.EMPTY_BUFFER);
    flushed.addListener(ChannelFutureListener.CLOSE);
    if (!flushed.isDone()) {
      ScheduledFuture<?> cutOff = loop.schedule(() -> {
        ch.close();
      }, CLOSING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      ch.closeFuture().addListener(f -> cutOff.cancel(false));
    }
  }

  /**
   * Closes the client's connection without losing what went to it (nginx calls this a lingering close): the
   * gateway's side is shut down once the close frame is written (the client reads the frame, then the end of the
   * stream), and what the client still sends is read and dropped until it closes its side, for {@link #LINGER_MS}
   * at most. Closing with the client's bytes unread would reset the connection instead, and a reset can destroy the
   * close frame before the client reads it.
   */
  private void closeClient() {
    if (clientClosing) {
      return;
    }
    clientClosing = true;
    fromClient.stop();
    // a client that takes nothing never gets its close frame written: cut off after the closing timeout
    lingerTimer = loop.schedule(() -> {
      client.close();
    }, CLOSING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    ChannelFuture written = closeFrameToClient == null ? client.newSucceededFuture() : closeFrameToClient;
    written.addListener(f -> {
      lingerTimer.cancel(false);
      if (client instanceof DuplexChannel duplex && duplex.isActive()) {
        client.config().setAutoRead(true); // read on (a paused client would never see its own close), dropping it
        duplex.shutdownOutput();
        lingerTimer = loop.schedule(() -> {
          client.close();
        }, LINGER_MS, TimeUnit.MILLISECONDS);
      } else {
        client.close();
      }
    });
  }

  private void sendWorkspace(ByteBuf closeFrame) {
    if (closeToWorkspace || !fromClient.atBoundary()) {
      closeFrame.release();
      return;
    }
    closeToWorkspace = true;
    upstream.writeAndFlush(closeFrame, upstream.voidPromise());
  }

  private void clientGone() {
    if (closed.future().isComplete()) {
      return;
    }
    if (closingTimer != null) {
      closingTimer.cancel(false);
    }
    if (lingerTimer != null) {
      lingerTimer.cancel(false);
    }
    if (pendingClose != null) {
      pendingClose.release();
      pendingClose = null;
    }
    fromClient.stop();
    endWorkspace((short) 1001, "client went away");
    closed.tryComplete();
    onClosed.run();
  }

  /**
   * Ends the workspace's connection: a close frame first, unless one went already or the client's frame under way
   * was cut short (nothing may go into the middle of a frame), then the close once everything is written.
   */
  private void endWorkspace(short code, String reason) {
    if (!closeToWorkspace && fromClient.atBoundary()) {
      closeToWorkspace = true;
      upstream.write(ControlFrames.close(code, reason, true), upstream.voidPromise());
    }
    closeAfterWrites(upstream);
  }

  private void workspaceGone() {
    fromWorkspace.stop();
    if (!closeToClient && fromWorkspace.atBoundary()) {
      closeToClient = true;
      closeFrameToClient = client.writeAndFlush(ControlFrames.close((short) 1001, "workspace went away", false));
    }
    closeClient();
  }

  /** Writes what a read passed on; flushed at the end of the read batch. */
  private void forward(Channel from, Channel to, ByteBuf bytes) {
    if (to == client) {
      stall.queued(bytes.readableBytes());
      clientUnflushed = true;
    } else {
      upstreamUnflushed = true;
    }
    to.write(bytes, to.voidPromise());
    if (!to.isWritable()) {
      from.config().setAutoRead(false);
    }
  }

  /** Flushes what the last reads passed on. */
  private void flush() {
    if (clientUnflushed) {
      clientUnflushed = false;
      client.flush();
    }
    if (upstreamUnflushed) {
      upstreamUnflushed = false;
      upstream.flush();
    }
  }

  /** Reads one side: bytes to its scanner, back-pressure from the other, and its end. */
  private abstract class Side extends ChannelInboundHandlerAdapter {

    /** Scans and passes on what this side sent. */
    abstract void read(ByteBuf bytes);

    abstract Channel other();

    abstract void gone();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf bytes)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      try {
        read(bytes);
      } finally {
        bytes.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        other().config().setAutoRead(true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      gone();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("{} websocket: {}", ctx.channel() == client ? "client" : "workspace", cause.toString());
    }
  }

  private final class ClientSide extends Side {
    @Override
    void read(ByteBuf bytes) {
      stall.read();
      fromClient.scan(bytes);
    }

    @Override
    Channel other() {
      return upstream;
    }

    @Override
    void gone() {
      clientGone();
    }

  }

  private final class WorkspaceSide extends Side {
    @Override
    void read(ByteBuf bytes) {
      workspaceSent(bytes);
    }

    @Override
    Channel other() {
      return client;
    }

    @Override
    void gone() {
      workspaceGone();
    }
  }

  private final class FromClient implements FrameScanner.Listener {
    @Override
    public void forward(ByteBuf bytes) {
      if (closeToWorkspace) {
        bytes.release();
      } else {
        Tunnel.this.forward(client, upstream, bytes);
      }
    }

    @Override
    public void dataFrame(long payloadLength, boolean fin) {
      int size = (int) payloadLength;
      counted.clientFrame(size, fin);
      meters.webSocketBytes(true, size);
    }

    @Override
    public void control(int opcode, ByteBuf frame) {
      if (opcode == FrameScanner.OP_PONG && ControlFrames.isPongTo(frame, keepalive)) {
        frame.release();
        return; // the answer to our own keepalive
      }
      if (opcode == FrameScanner.OP_CLOSE) {
        closeFromClient = true;
        if (closeToClient) {
          closeAfterWrites(client); // the client answered a close: its handshake is done
        }
        if (closeToWorkspace) {
          frame.release();
        } else {
          closeToWorkspace = true;
          upstream.writeAndFlush(frame, upstream.voidPromise());
        }
        return;
      }
      meters.webSocketBytes(true, frame.readableBytes() - 6);
      forward(frame);
    }

    @Override
    public void violation(short closeCode, String reason) {
      log.debug("client broke the WebSocket protocol ({}): closing with {}", reason, closeCode);
      sendClient(ControlFrames.close(closeCode, reason, false));
      closeClient();
      endWorkspace((short) 1001, "client went away");
    }
  }

  private final class FromWorkspace implements FrameScanner.Listener {
    @Override
    public void forward(ByteBuf bytes) {
      if (closeToClient) {
        bytes.release();
      } else {
        Tunnel.this.forward(upstream, client, bytes);
      }
    }

    @Override
    public void dataFrame(long payloadLength, boolean fin) {
      int size = (int) payloadLength;
      counted.workspaceFrame(size, fin);
      meters.webSocketBytes(false, size);
    }

    @Override
    public void control(int opcode, ByteBuf frame) {
      if (opcode == FrameScanner.OP_CLOSE) {
        sendClient(frame);
        return;
      }
      meters.webSocketBytes(false, frame.readableBytes() - 2);
      forward(frame);
    }

    @Override
    public void violation(short closeCode, String reason) {
      log.debug("workspace broke the WebSocket protocol ({}): closing with {}", reason, closeCode);
      endWorkspace(closeCode, reason);
      sendClient(ControlFrames.close((short) 1001, "workspace went away", false));
      closeClient();
    }
  }
}
