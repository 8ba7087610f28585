package io.wsgate.proxy.ws;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;

/**
 * The workspace's side of a WebSocket handshake, on a plain TCP connection of its own: the upgrade request's head is
 * written as it is, and the answer's head read and parsed here, with no HTTP client in between. After a 101 the
 * socket is the workspace's end of the tunnel as it stands, with whatever the workspace sent after its head
 * ({@link Answer#early}); any other answer's body is read whole (it is a short refusal page) and the connection
 * closed.
 */
final class WorkspaceUpgrade {

  /** The largest answer head, as for any response the gateway reads from a workspace. */
  static final int MAX_HEAD = 64 * 1024;
  /** The largest refusal body passed on; a longer one reaches the client empty. */
  static final int MAX_REFUSAL_BODY = 64 * 1024;

  /** The workspace's answer: status, reason, headers, and the bytes that came after the head. */
  record Answer(NetSocket socket, int status, String reason, MultiMap headers, Buffer early) {
  }

  private final Vertx vertx;
  private final NetSocket socket;
  private final long timeoutMs;
  private final Promise<Answer> answer = Promise.promise();
  private Buffer received = Buffer.buffer();
  private long timer;

  private WorkspaceUpgrade(Vertx vertx, NetSocket socket, long timeoutMs) {
    this.vertx = vertx;
    this.socket = socket;
    this.timeoutMs = timeoutMs;
  }

  /** Writes {@code head} (the whole request head, blank line included) and reads the answer's head. */
  static Future<Answer> ask(Vertx vertx, NetSocket socket, Buffer head, long timeoutMs) {
    return new WorkspaceUpgrade(vertx, socket, timeoutMs).start(head);
  }

  /**
   * The head's bytes. Netty read the client's head as ISO-8859-1 (one char per byte), so this gives back the very
   * bytes it came with, obs-text in header values included; the request line is ASCII (the edge refuses any other).
   */
  static Buffer bytes(StringBuilder head) {
    return Buffer.buffer(head.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private Future<Answer> start(Buffer head) {
    timer = vertx.setTimer(timeoutMs, t -> fail(new UpgradeTimeoutException(
        "the workspace did not answer the upgrade within " + timeoutMs + " ms")));
    socket.handler(this::read);
    socket.exceptionHandler(this::fail);
    socket.closeHandler(v -> fail(new io.vertx.core.VertxException("the workspace closed the connection before it "
        + "answered the upgrade", true)));
    socket.write(head);
    return answer.future();
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
    socket.pause();
    vertx.cancelTimer(timer);
    socket.handler(null).exceptionHandler(null).closeHandler(null);
    try {
      Answer a = parse(received.getString(0, end, "ISO-8859-1"), received.slice(end + 4, received.length()));
      answer.tryComplete(a);
    } catch (IllegalArgumentException e) {
      fail(e);
    }
  }

  private void fail(Throwable err) {
    vertx.cancelTimer(timer);
    if (answer.tryFail(err)) {
      socket.handler(null).closeHandler(null).exceptionHandler(null);
      socket.close();
    }
  }

  private Answer parse(String head, Buffer early) {
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
    return new Answer(socket, code, status.length() > 13 ? status.substring(13) : "", headers, early);
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
  static Future<Buffer> refusalBody(Vertx vertx, Answer a, long timeoutMs) {
    Promise<Buffer> body = Promise.promise();
    NetSocket so = a.socket();
    String length = a.headers().get("content-length");
    boolean chunked = a.headers().contains("transfer-encoding");
    Buffer got = Buffer.buffer();
    long timer = vertx.setTimer(timeoutMs, t -> body.tryComplete(Buffer.buffer()));
    Runnable done = () -> {
      vertx.cancelTimer(timer);
      so.handler(null).closeHandler(null);
      so.close();
      Buffer b = chunked ? Chunks.decode(got) : got;
      long expected = length == null || chunked ? -1 : parseLength(length);
      body.tryComplete(b == null || b.length() > MAX_REFUSAL_BODY || expected >= 0 && b.length() != expected
          ? Buffer.buffer() : b);
    };
    java.util.function.Consumer<Buffer> take = chunk -> {
      got.appendBuffer(chunk);
      long expected = length == null || chunked ? -1 : parseLength(length);
      if (got.length() > MAX_REFUSAL_BODY + 1024 || expected >= 0 && got.length() >= expected
          || chunked && Chunks.complete(got)) {
        done.run();
      }
    };
    so.closeHandler(v -> done.run());
    so.exceptionHandler(err -> done.run());
    so.handler(take::accept);
    if (a.status() == 204 || a.status() == 304 || a.status() < 200 || "0".equals(length)) {
      done.run();
    } else if (a.early().length() > 0) {
      take.accept(a.early());
    }
    so.resume();
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
