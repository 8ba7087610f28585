package io.wsgate.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 connection to a workspace, on a Netty channel of the event loop that uses it: it writes a request
 * (the head as given, the body as it comes, in chunks if the client sent chunks) and reads the response, framed by
 * RFC 9112 section 6.3 (no body for HEAD, 1xx, 204 and 304; then chunked; then Content-Length; else until the
 * workspace closes), handing the head and the body's bytes to the request's {@link UpstreamExchange}. A connection
 * whose request and response both ended cleanly goes back to its {@link WorkspaceConnections.Pool}; any doubt about
 * where a message ends (a response cut short, bytes beyond it, a body read until close, {@code Connection: close})
 * closes it instead. Everything happens on the channel's event loop.
 */
final class WorkspaceConnection extends ChannelInboundHandlerAdapter {

  /** The largest response head read from a workspace, as for the upgrade's answer. */
  static final int MAX_HEAD = 64 * 1024;

  private enum State { IDLE, HEAD, LENGTH, CHUNKED, UNTIL_CLOSE, DONE }

  private final WorkspaceConnections.Pool pool;
  private Channel channel;
  private UpstreamExchange exchange;
  private State state = State.IDLE;
  private boolean headRequest;
  private boolean chunkedRequest;
  private boolean requestDone;
  private boolean keepAlive;
  private boolean responseStarted;
  /** Requests this connection has carried, the current one included. */
  private int requests;
  /** What is left of a body with a length. */
  private long remaining;
  private ChunkedBody chunks;
  private ByteBuf partial;
  long idleSinceNanos;

  WorkspaceConnection(WorkspaceConnections.Pool pool) {
    this.pool = pool;
  }

  /** Whether this connection carried a request before the current one (it may have been closed meanwhile). */
  boolean reused() {
    return requests > 1;
  }

  boolean isOpen() {
    return channel != null && channel.isActive();
  }

  /**
   * Sends a request: {@code head} (request line, headers and blank line) now, the body through
   * {@link #write} and {@link #end}, unless {@code hasBody} is false. {@code headRequest}: the answer has no body
   * whatever it declares.
   */
  void send(CharSequence head, boolean hasBody, boolean chunked, boolean headRequest, UpstreamExchange exchange) {
    this.exchange = exchange;
    this.headRequest = headRequest;
    this.chunkedRequest = chunked;
    this.requestDone = !hasBody;
    this.responseStarted = false;
    this.keepAlive = true;
    this.state = State.HEAD;
    requests++;
    // Netty read the client's head as ISO-8859-1, one char per byte: this writes back the very bytes
    ByteBuf bytes = channel.alloc().buffer(head.length());
    ByteBufUtil.writeAscii(bytes, head);
    channel.writeAndFlush(bytes, channel.voidPromise());
  }

  /**
   * Part of {@code owner}'s request body. False if this connection no longer carries that body (its response ended
   * first, or the connection failed): the caller then drops the rest.
   */
  boolean write(UpstreamExchange owner, Buffer data) {
    if (requestDone || exchange != owner || owner == null) {
      return false;
    }
    if (data.length() == 0) {
      return true;
    }
    ByteBuf bytes = ((BufferInternal) data).getByteBuf();
    if (chunkedRequest) {
      ByteBuf size = channel.alloc().buffer(10);
      size.writeCharSequence(Integer.toHexString(bytes.readableBytes()) + "\r\n", StandardCharsets.US_ASCII);
      channel.write(size, channel.voidPromise());
      channel.write(bytes.retain(), channel.voidPromise());
      channel.writeAndFlush(channel.alloc().buffer(2).writeByte('\r').writeByte('\n'), channel.voidPromise());
    } else {
      channel.writeAndFlush(bytes.retain(), channel.voidPromise());
    }
    return true;
  }

  /** {@code owner}'s request body is complete. */
  void end(UpstreamExchange owner) {
    if (requestDone || exchange != owner || owner == null) {
      return;
    }
    requestDone = true;
    if (chunkedRequest) {
      channel.writeAndFlush(channel.alloc().buffer(5).writeBytes(LAST_CHUNK), channel.voidPromise());
    }
  }

  private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  boolean writable() {
    return channel.isWritable();
  }

  /**
   * {@code owner} gives up on its request: if it is still this connection's, the connection is closed and
   * {@code owner} told, with {@code err}.
   */
  void abort(UpstreamExchange owner, Throwable err) {
    if (exchange != owner || owner == null) {
      return;
    }
    exchange = null;
    keepAlive = false;
    channel.close();
    if (state != State.DONE) {
      owner.failed(err, !responseStarted);
    }
  }

  /** {@code owner} no longer wants its response: if it is still this connection's, the connection is closed. */
  void close(UpstreamExchange owner) {
    if (exchange == owner && owner != null) {
      exchange = null;
      keepAlive = false;
      channel.close();
    }
  }

  /** A connection lent to a request that no longer needs it, before anything was sent. */
  void giveBack() {
    if (exchange == null && state == State.IDLE && channel.isActive()) {
      pool.release(this);
    } else {
      channel.close();
    }
  }

  /** An idle connection kept too long. */
  void closeIdle() {
    channel.close();
  }

  /** Stops reading the response while the client cannot take more. */
  void pauseReading() {
    channel.config().setAutoRead(false);
  }

  void resumeReading() {
    if (!channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    ctx.fireChannelActive();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (channel.isWritable() && exchange != null && !requestDone) {
      exchange.writable();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      if (exchange == null || state == State.IDLE || state == State.DONE) {
        // bytes nobody asked for: where the next response would start is no longer known
        channel.close();
        return;
      }
      responseStarted = true;
      if (partial != null) {
        in = partial.writeBytes(in);
        ReferenceCountUtil.release(msg);
        msg = in;
        partial = null;
      }
      read(in);
      if (in.isReadable() && state == State.HEAD && exchange != null) {
        if (in.readableBytes() > MAX_HEAD) {
          fail(new BadResponseException("the response head is larger than " + MAX_HEAD + " bytes"));
          return;
        }
        partial = ctx.alloc().buffer(Math.max(256, in.readableBytes() * 2)).writeBytes(in);
      }
    } catch (BadResponseException e) {
      fail(e);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Reads what {@code in} holds of the response, leaving an incomplete head unread. */
  private void read(ByteBuf in) throws BadResponseException {
    while (in.isReadable() && exchange != null) {
      switch (state) {
        case HEAD -> {
          if (!readHead(in)) {
            return;
          }
        }
        case LENGTH -> {
          int n = (int) Math.min(in.readableBytes(), remaining);
          remaining -= n;
          if (remaining == 0) {
            bodyEnds(in, n);
          } else {
            exchange.body(in.readRetainedSlice(n));
          }
        }
        case UNTIL_CLOSE -> exchange.body(in.readRetainedSlice(in.readableBytes()));
        case CHUNKED -> {
          long next = chunks.next(in);
          if (next < 0) {
            responseEnds(in);
          } else if (next > 0 && in.isReadable()) {
            int n = (int) Math.min(in.readableBytes(), next);
            chunks.took(n);
            exchange.body(in.readRetainedSlice(n));
          }
        }
        case IDLE, DONE -> {
          // more than the response: nothing can be reused of this connection
          keepAlive = false;
          in.skipBytes(in.readableBytes());
          return;
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
  }

  /** The last {@code n} bytes of a body with a length: passed on with the end, in one write where possible. */
  private void bodyEnds(ByteBuf in, int n) {
    responseEnds(in, n == 0 ? null : in.readRetainedSlice(n));
  }

  private void responseEnds(ByteBuf in) {
    responseEnds(in, null);
  }

  private void responseEnds(ByteBuf in, ByteBuf last) {
    state = State.DONE;
    if (in.isReadable()) {
      // more than the response: where the next one would start is not known
      keepAlive = false;
      in.skipBytes(in.readableBytes());
    }
    if (!requestDone) {
      // the workspace answered before the request body was all sent: its end is not worth waiting for
      keepAlive = false;
    }
    UpstreamExchange e = exchange;
    exchange = null;
    e.end(last);
    finish();
  }

  /** Both the request and the response are over: back to the pool, or closed. */
  private void finish() {
    if (keepAlive && requestDone && channel.isActive()) {
      state = State.IDLE;
      // the last bytes may have come in the read that filled a slow client's queue: the next request must be read
      resumeReading();
      pool.release(this);
    } else {
      channel.close();
    }
  }

  /** Parses the head if {@code in} holds all of it; false if more is needed. */
  private boolean readHead(ByteBuf in) throws BadResponseException {
    int start = in.readerIndex();
    int end = ResponseHead.end(in, start);
    if (end < 0) {
      return false;
    }
    if (end - start > MAX_HEAD) {
      throw new BadResponseException("the response head is larger than " + MAX_HEAD + " bytes");
    }
    ResponseHead head = ResponseHead.parse(in, start, end, exchange.responseHeaders());
    in.readerIndex(end);
    if (head.status() < 200) {
      if (head.status() == 101) {
        throw new BadResponseException("101 (Switching Protocols) to a request that asked for no upgrade");
      }
      if (head.status() == 100) {
        exchange.continued();
      }
      return true;
    }
    keepAlive = head.keepAlive();
    boolean hasBody = !headRequest && head.status() != 204 && head.status() != 304;
    if (!hasBody) {
      state = State.DONE;
    } else if (head.chunked()) {
      state = State.CHUNKED;
      chunks = new ChunkedBody();
    } else if (head.contentLength() >= 0) {
      state = State.LENGTH;
      remaining = head.contentLength();
      hasBody = remaining > 0;
    } else {
      state = State.UNTIL_CLOSE;
      keepAlive = false;
    }
    exchange.head(head, hasBody);
    if (exchange != null && (state == State.DONE || state == State.LENGTH && remaining == 0)) {
      responseEnds(in);
    }
    return true;
  }

  /** The workspace's answer cannot be read: the exchange hears why, and the connection is closed. */
  private void fail(Throwable err) {
    if (exchange == null) {
      channel.close();
    } else {
      abort(exchange, err);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (partial != null) {
      partial.release();
      partial = null;
    }
    pool.closed(this);
    UpstreamExchange e = exchange;
    if (e == null) {
      return;
    }
    exchange = null;
    if (state == State.UNTIL_CLOSE) {
      state = State.DONE;
      e.end(null);
    } else if (state != State.DONE) {
      e.failed(new ClosedException(responseStarted
          ? "the workspace closed the connection in the middle of its response"
          : "the workspace closed the connection before it answered"), !responseStarted);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    UpstreamExchange e = exchange;
    exchange = null;
    ctx.close();
    if (e != null && state != State.DONE) {
      e.failed(cause, !responseStarted);
    }
  }

  /** The workspace closed the connection before the response ended. */
  static final class ClosedException extends IOException {
    ClosedException(String message) {
      super(message);
    }
  }
}
