package io.wsgate.proxy.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's HTTP/1 request decoder with a strict gate in front: each request head is held until it is complete,
 * checked whole by {@link HeadScanner}, and only then parsed; a refused head gets a status line and the
 * connection is closed, so nothing of it reaches Vert.x, let alone a workspace. It also enforces two timers Netty
 * lacks: a deadline for a head to arrive in full from its first byte (slowloris), and a limit on how long a
 * request body may stall while the gateway is willing to read it.
 *
 * <p>A chunked body is checked too ({@link ChunkedBodyCheck}), and any body Netty itself finds broken: the
 * client's mistake gets a 400 with {@code Connection: close} if no response to it has started (else the
 * connection is just closed), nothing more of it reaches Vert.x, and the connection is marked
 * ({@link ClientFaults}) so the forwarder resets the workspace's request without blaming the workspace.
 *
 * <p>A client that shuts down its sending side in the middle of a request body is still answered: the body was
 * cut short, the client's mistake, and it gets its 400 (it can still read). For that the connection allows
 * half-closure while this decoder is on it. Anywhere else, an end of input is a client that hung up, and the
 * connection closes at once as without half-closure, so the request the workspace was given is reset (a closed tab
 * must not hold a long poll or a stream open upstream). A WebSocket upgrade removes the decoder and with it the
 * half-closure.
 *
 * <p>It replaces the pipeline's {@code httpDecoder} under the same name (Vert.x removes it by that name for a
 * WebSocket upgrade), see {@link EdgeConnections}.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

  private static final Logger log = LoggerFactory.getLogger(StrictRequestDecoder.class);
  private static final int BARE_LF = -2;
  private static final FastThreadLocal<byte[]> HEAD_COPY = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[1024];
    }
  };

  private final HeadScanner.Limits limits;
  private final long headTimeoutMs;
  private final long bodyIdleMs;
  private final ResponseWatch responses = new ResponseWatch();
  private boolean expectHead = true;
  private boolean refused;
  private ChunkedBodyCheck chunked;
  /** Bytes past the reader index that {@link #chunked} has already checked. */
  private int checkedAhead;
  /** Requests whose head has passed, on this connection. */
  private int requests;
  private ScheduledFuture<?> headDeadline;
  private ScheduledFuture<?> bodyCheck;
  private long lastBodyRead;

  StrictRequestDecoder(HttpServerOptions options, HeadScanner.Limits limits, long headTimeoutMs, long bodyIdleMs) {
    super(options);
    this.limits = limits;
    this.headTimeoutMs = headTimeoutMs;
    this.bodyIdleMs = bodyIdleMs;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    armHeadDeadline(ctx); // a new connection owes us a head too
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    cancelTimers();
    ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false); // e.g. upgraded to a WebSocket
    if (ctx.pipeline().context(responses) != null) {
      ctx.pipeline().remove(responses); // it watches HTTP responses: none follow on this connection
    }
    super.handlerRemoved0(ctx);
  }

  /**
   * The client will send nothing more. A body still owed was cut short: the client's mistake, answered like a
   * malformed one. Otherwise the client hung up, and the connection closes now.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (!(evt instanceof ChannelInputShutdownEvent)) {
      super.userEventTriggered(ctx, evt);
      return;
    }
    if (!expectHead && !refused) {
      bodyBroken(ctx, null, 0, new java.util.ArrayList<>(), "the client closed before the request body was complete");
      return;
    }
    cancelTimers();
    refused = true;
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelTimers();
    super.channelInactive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (!expectHead) {
      lastBodyRead = System.nanoTime();
      checkBodyAndDecode(ctx, in, out);
      return;
    }
    if (!in.isReadable()) {
      return;
    }
    int end = headEnd(in);
    if (end == BARE_LF) {
      refuse(ctx, in, 400, "bare LF line ending");
      return;
    }
    if (end < 0) {
      // only a head that does not come whole needs its deadline (most come in one read)
      armHeadDeadline(ctx);
      int max = limits.maxRequestLine() + limits.maxHeaderSize() + 16;
      if (in.readableBytes() > max) {
        int firstLf = in.indexOf(in.readerIndex(), in.readerIndex() + limits.maxRequestLine() + 2, (byte) '\n');
        refuse(ctx, in, firstLf < 0 ? 414 : 431, "request head too large");
      }
      return; // wait for the rest of the head, unparsed
    }
    int length = end - in.readerIndex();
    byte[] head = scratch(length);
    in.getBytes(in.readerIndex(), head, 0, length);
    HeadScanner.Refusal r = HeadScanner.scan(head, length, limits);
    if (r != null) {
      refuse(ctx, in, r.status(), r.reason());
      return;
    }
    cancel(headDeadline);
    headDeadline = null;
    expectHead = false;
    requests++;
    // the scanner let through at most one Transfer-Encoding, and only "chunked"
    chunked = HeadScanner.hasHeader(head, length, "transfer-encoding")
        ? new ChunkedBodyCheck(limits.maxHeaderSize()) : null;
    checkedAhead = length; // the head itself is not the body's, and still unread
    lastBodyRead = System.nanoTime();
    checkBodyAndDecode(ctx, in, out);
    if (!expectHead && !refused && bodyCheck == null) {
      scheduleBodyCheck(ctx, bodyIdleMs);
    }
  }

  /** Checks the chunked framing of what arrived, then lets Netty decode as far as it is well formed. */
  private void checkBodyAndDecode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (chunked != null && !chunked.done()) {
      checkedAhead += chunked.feed(in, in.readerIndex() + checkedAhead);
      if (chunked.problem() != null) {
        bodyBroken(ctx, in, out.size(), out, chunked.problem());
        return;
      }
    }
    int before = out.size();
    int start = in.readerIndex();
    super.decode(ctx, in, out);
    checkedAhead = Math.max(0, checkedAhead - (in.readerIndex() - start));
    for (int i = before; i < out.size(); i++) {
      Object o = out.get(i);
      if (o instanceof HttpContent content && content.decoderResult().isFailure()) {
        // Netty found the body broken where our own check did not look (a Content-Length body, say)
        Throwable cause = content.decoderResult().cause();
        bodyBroken(ctx, in, i, out, "malformed request body (" + (cause == null ? "?" : cause.getMessage()) + ")");
        return;
      }
      if (o instanceof LastHttpContent) {
        expectHead = true;
        chunked = null;
        checkedAhead = 0;
        cancel(bodyCheck);
        bodyCheck = null;
      }
    }
  }

  /**
   * The client's body is malformed: nothing from {@code out[from]} on goes to Vert.x, the connection is marked as
   * the client's fault, and it is refused with a 400 if no response to this request has started, else closed.
   */
  private void bodyBroken(ChannelHandlerContext ctx, ByteBuf in, int from, List<Object> out, String reason) {
    while (out.size() > from) {
      ReferenceCountUtil.release(out.remove(out.size() - 1));
    }
    ctx.channel().attr(ClientFaults.BODY_REFUSED).set(reason);
    if (responses.canAnswer(requests)) {
      refuse(ctx, in, 400, reason);
      return;
    }
    refused = true;
    cancelTimers();
    if (in != null) {
      in.skipBytes(in.readableBytes());
    }
    log.debug("{}: request body refused after its response started, closing: {}", ctx.channel().remoteAddress(),
        reason);
    ctx.close();
  }

  /** Sees the responses Vert.x writes on this connection (see {@link ResponseWatch}). */
  ResponseWatch responseWatch() {
    return responses;
  }

  private void scheduleBodyCheck(ChannelHandlerContext ctx, long delayMs) {
    bodyCheck = ctx.executor().schedule(() -> {
      bodyCheck = null;
      if (expectHead || refused) {
        return;
      }
      long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastBodyRead);
      // a body we stopped reading (back-pressure from a slow workspace) is not the client's stall
      if (idleMs >= bodyIdleMs && ctx.channel().config().isAutoRead()) {
        log.debug("{}: request body stalled for {} ms, closing", ctx.channel().remoteAddress(), idleMs);
        refuse(ctx, null, 408, "request body stalled");
        return;
      }
      scheduleBodyCheck(ctx, Math.max(1, bodyIdleMs - Math.min(idleMs, bodyIdleMs - 1)));
    }, delayMs, TimeUnit.MILLISECONDS);
  }

  private void armHeadDeadline(ChannelHandlerContext ctx) {
    if (headDeadline != null || refused) {
      return;
    }
    headDeadline = ctx.executor().schedule(() -> {
      headDeadline = null;
      if (expectHead && !refused) {
        log.debug("{}: request head not complete within {} ms, closing", ctx.channel().remoteAddress(), headTimeoutMs);
        refuse(ctx, null, 408, "request head not received in time");
      }
    }, headTimeoutMs, TimeUnit.MILLISECONDS);
  }

  /**
   * An array of at least {@code length} bytes for a head to be checked in, one per event loop and reused: the head
   * is copied out of Netty's (direct) buffer to be scanned, and nothing keeps it past {@link #decode}.
   */
  private static byte[] scratch(int length) {
    byte[] b = HEAD_COPY.get();
    if (b.length < length) {
      b = new byte[Math.max(length, 2 * b.length)];
      HEAD_COPY.set(b);
    }
    return b;
  }

  /** Index just past the CRLFCRLF ending the head, -1 if not there yet, {@link #BARE_LF} for a bare LF. */
  private static int headEnd(ByteBuf in) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    int i = start;
    while (i + 1 < end && in.getByte(i) == '\r' && in.getByte(i + 1) == '\n') {
      i += 2;
    }
    for (int j = i; j < end; j++) {
      if (in.getByte(j) == '\n') {
        if (j == start || in.getByte(j - 1) != '\r') {
          return BARE_LF;
        }
        if (j - 3 >= i && in.getByte(j - 2) == '\n' && in.getByte(j - 3) == '\r') {
          return j + 1;
        }
      }
    }
    return -1;
  }

  /** Answers {@code status} with {@code Connection: close} and closes; nothing more is read from the connection. */
  private void refuse(ChannelHandlerContext ctx, ByteBuf in, int status, String reason) {
    refused = true;
    cancelTimers();
    if (in != null) {
      in.skipBytes(in.readableBytes());
    }
    log.debug("{}: refused with {}: {}", ctx.channel().remoteAddress(), status, reason);
    String body = "{\"type\":\"https://wsgate.io/errors/bad_request\",\"title\":\"" + title(status)
        + "\",\"status\":" + status + ",\"detail\":\"" + reason.replace("\"", "'") + "\"}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + title(status) + "\r\ncontent-type: application/problem+json\r\n"
        + "content-length: " + bytes.length + "\r\ncache-control: no-store\r\nconnection: close\r\n\r\n";
    ByteBuf reply = Unpooled.buffer(head.length() + bytes.length);
    reply.writeCharSequence(head, StandardCharsets.ISO_8859_1);
    reply.writeBytes(bytes);
    ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
  }

  private static String title(int status) {
    return switch (status) {
      case 408 -> "Request Timeout";
      case 414 -> "URI Too Long";
      case 431 -> "Request Header Fields Too Large";
      case 505 -> "HTTP Version Not Supported";
      default -> "Bad Request";
    };
  }

  private void cancelTimers() {
    cancel(headDeadline);
    cancel(bodyCheck);
    headDeadline = null;
    bodyCheck = null;
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
