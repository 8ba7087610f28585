package io.wsgate.proxy.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.wsgate.proxy.http.WorkspaceDialer;
import io.wsgate.workspace.Endpoint;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The workspace's side of a WebSocket handshake, on a TCP connection of its own opened as a bare Netty channel
 * ({@link WorkspaceDialer}) on the client's event loop: the upgrade request's head is written as it is, and the
 * answer's head read and parsed here, with no HTTP client in between. After a 101 the channel is the workspace's end
 * of the tunnel as it stands: this handler keeps what the workspace sent after its head (and anything more, until
 * the tunnel takes the channel over) as {@link #early}. Any other answer's body is read whole (it is a short refusal
 * page) and the connection closed. Runs on the channel's event loop; the answer is given inside the Vert.x context
 * of the request that asked, so its callbacks run as the request's own.
 */
final class WorkspaceUpgrade extends ChannelInboundHandlerAdapter {

  /** The largest answer head, as for any response the gateway reads from a workspace. */
  static final int MAX_HEAD = 64 * 1024;
  /** The largest refusal body passed on; a longer one reaches the client empty. */
  static final int MAX_REFUSAL_BODY = 64 * 1024;

  /** The workspace's answer: status, reason and headers; its channel and early bytes are the upgrade's. */
  record Answer(WorkspaceUpgrade upgrade, int status, String reason, MultiMap headers) {
    Channel channel() {
      return upgrade.channel;
    }
  }

  private final ContextInternal context;
  private final Buffer head;
  private final long timeoutMs;
  private final Promise<Answer> answer = Promise.promise();
  private Channel channel;
  private Buffer received = Buffer.buffer();
  /** Bytes after the answer's head, once it is in. */
  private Buffer early;
  /** Where bytes after the head go, if not kept in {@link #early}: the refusal's body. */
  private Consumer<Buffer> reader;
  private Runnable closed;
  private ScheduledFuture<?> timer;

  private WorkspaceUpgrade(ContextInternal context, Buffer head, long timeoutMs) {
    this.context = context;
    this.head = head;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Connects to {@code endpoint}, writes {@code head} (the whole request head, blank line included) and reads the
   * answer's head; the answer is given inside {@code context}.
   */
  static Future<Answer> ask(WorkspaceDialer dialer, Endpoint endpoint, Buffer head, long timeoutMs,
                            ContextInternal context) {
    WorkspaceUpgrade upgrade = new WorkspaceUpgrade(context, head, timeoutMs);
    dialer.connect(endpoint, upgrade).addListener(f -> {
      if (!f.isSuccess()) {
        upgrade.fail(f.cause());
      }
    });
    return upgrade.answer.future();
  }

  /**
   * The head's bytes. Netty read the client's head as ISO-8859-1 (one char per byte), so this gives back the very
   * bytes it came with, obs-text in header values included; the request line is ASCII (the edge refuses any other).
   */
  static Buffer bytes(StringBuilder head) {
    ByteBuf bytes = Unpooled.buffer(head.length());
    ByteBufUtil.writeAscii(bytes, head); // each char as its byte, as WorkspaceConnection sends a request head
    return BufferInternal.buffer(bytes);
  }

  /** What the workspace sent after its 101's head, up to now; the tunnel takes the channel over from here. */
  Buffer early() {
    return early == null ? Buffer.buffer() : early;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    timer = ctx.executor().schedule(() -> fail(new UpgradeTimeoutException(
        "the workspace did not answer the upgrade within " + timeoutMs + " ms")), timeoutMs, TimeUnit.MILLISECONDS);
    ctx.writeAndFlush(((BufferInternal) head).getByteBuf(), ctx.voidPromise());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Buffer chunk;
    try {
      chunk = Buffer.buffer(ByteBufUtil.getBytes((ByteBuf) msg));
    } finally {
      ReferenceCountUtil.release(msg);
    }
    if (reader != null) {
      reader.accept(chunk);
    } else if (early != null) {
      // the tunnel starts within this turn of the loop, so the channel is paused (two epoll_ctl calls, with the
      // resume) only if the workspace sent a lot at once; the tunnel reads on
      early.appendBuffer(chunk);
      if (early.length() > MAX_HEAD) {
        channel.config().setAutoRead(false);
      }
    } else {
      read(chunk);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (closed != null) {
      closed.run();
    } else {
      fail(new VertxException("the workspace closed the connection before it answered the upgrade", true));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(cause);
  }

  private void read(Buffer chunk) {
    received.appendBuffer(chunk);
    int end = headEnd(received);
    if (end < 0) {
      if (received.length() > MAX_HEAD) {
        fail(new IllegalStateException("the workspace's answer head is larger than " + MAX_HEAD + " bytes"));
      }
      return;
    }
    timer.cancel(false);
    early = received.slice(end + 4, received.length()).copy();
    try {
      Answer a = parse(received.getString(0, end, "ISO-8859-1"));
      received = null;
      context.dispatch(a, answer::tryComplete);
    } catch (IllegalArgumentException e) {
      fail(e);
    }
  }

  private void fail(Throwable err) {
    if (timer != null) {
      timer.cancel(false);
    }
    if (!answer.future().isComplete()) {
      context.dispatch(err, answer::tryFail);
      if (channel != null) {
        channel.close();
      }
    }
  }

  private Answer parse(String head) {
    int eol = head.indexOf("\r\n");
    String status = eol < 0 ? head : head.substring(0, eol);
    if (!status.startsWith("HTTP/1.1 ") && !status.startsWith("HTTP/1.0 ") || status.length() < 12
        || status.length() > 12 && status.charAt(12) != ' ') {
      throw new IllegalArgumentException("the workspace's answer is not HTTP/1.x: " + abbreviated(status));
    }
    int code;
    try {
      code = Integer.parseInt(status.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the workspace's answer has no status: " + abbreviated(status));
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int at = eol + 2; eol >= 0; at = eol + 2) {
      eol = head.indexOf("\r\n", at);
      String line = eol < 0 ? head.substring(at) : head.substring(at, eol);
      int colon = line.indexOf(':');
      if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ') {
        throw new IllegalArgumentException("the workspace's answer has a malformed header line: "
            + abbreviated(line));
      }
      headers.add(line.substring(0, colon), line.substring(colon + 1).trim());
    }
    return new Answer(this, code, status.length() > 13 ? status.substring(13) : "", headers);
  }

  private static int headEnd(Buffer b) {
    for (int i = 0, n = b.length() - 3; i < n; i++) {
      if (b.getByte(i) == '\r' && b.getByte(i + 1) == '\n' && b.getByte(i + 2) == '\r' && b.getByte(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String abbreviated(String s) {
    String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
  }

  /**
   * The body of an answer other than 101, read whole (by its length, its chunks, or until the workspace closes),
   * then the connection closed. Completes with an empty body if it is longer than {@link #MAX_REFUSAL_BODY}, does
   * not arrive within {@code timeoutMs}, or is malformed.
   */
  static Future<Buffer> refusalBody(Answer a, long timeoutMs) {
    return a.upgrade().readRefusal(a, timeoutMs);
  }

  private Future<Buffer> readRefusal(Answer a, long timeoutMs) {
    Promise<Buffer> body = Promise.promise();
    String length = a.headers().get("content-length");
    boolean chunked = a.headers().contains("transfer-encoding");
    Buffer got = Buffer.buffer();
    Consumer<Buffer> finish = b -> {
      reader = ignored -> { };
      closed = () -> { };
      channel.close();
      context.dispatch(b, body::tryComplete);
    };
    ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> finish.accept(Buffer.buffer()), timeoutMs,
        TimeUnit.MILLISECONDS);
    Runnable done = () -> {
      deadline.cancel(false);
      Buffer b = chunked ? Chunks.decode(got) : got;
      long expected = length == null || chunked ? -1 : parseLength(length);
      finish.accept(b == null || b.length() > MAX_REFUSAL_BODY || expected >= 0 && b.length() != expected
          ? Buffer.buffer() : b);
    };
    Consumer<Buffer> take = chunk -> {
      got.appendBuffer(chunk);
      long expected = length == null || chunked ? -1 : parseLength(length);
      if (got.length() > MAX_REFUSAL_BODY + 1024 || expected >= 0 && got.length() >= expected
          || chunked && Chunks.complete(got)) {
        done.run();
      }
    };
    closed = done;
    reader = take;
    if (!channel.isActive() || a.status() == 204 || a.status() == 304 || a.status() < 200 || "0".equals(length)) {
      done.run();
    } else if (early().length() > 0) {
      take.accept(early());
    }
    channel.config().setAutoRead(true);
    return body.future();
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Chunked transfer coding (RFC 9112 section 7.1), for a refusal body that arrives whole. */
  static final class Chunks {

    private Chunks() {
    }

    /** Whether {@code b} holds the last chunk and the end of the (empty) trailer section. */
    static boolean complete(Buffer b) {
      return decode(b) != null;
    }

    /** The data of the chunks in {@code b}; null if the last chunk has not arrived whole or {@code b} is malformed. */
    static Buffer decode(Buffer b) {
      String s = b.toString(StandardCharsets.ISO_8859_1);
      Buffer out = Buffer.buffer();
      int at = 0;
      while (true) {
        int eol = s.indexOf("\r\n", at);
        if (eol < 0) {
          return null;
        }
        String size = s.substring(at, eol);
        int ext = size.indexOf(';');
        int n;
        try {
          n = Integer.parseInt((ext < 0 ? size : size.substring(0, ext)).trim(), 16);
        } catch (NumberFormatException e) {
          return null;
        }
        if (n < 0 || n > MAX_REFUSAL_BODY) {
          return null;
        }
        at = eol + 2;
        if (n == 0) {
          return s.indexOf("\r\n\r\n", eol) >= 0 || s.startsWith("\r\n", at) ? out : null;
        }
        if (s.length() < at + n + 2) {
          return null;
        }
        out.appendString(s.substring(at, at + n), "ISO-8859-1");
        at += n + 2;
      }
    }
  }

  /** The workspace did not answer the upgrade in time. */
  static final class UpgradeTimeoutException extends java.util.concurrent.TimeoutException {
    UpgradeTimeoutException(String message) {
      super(message);
    }
  }
}
