package io.wsgate.demo;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;

/**
 * Echoes every WebSocket message back as it came: text as text, binary as binary, same payload.
 *
 * <p>Echoes frame by frame instead of message by message: aggregating a 16 MiB message, or turning
 * it into a {@code String}, needs several copies of it, more than the demo's 48 MiB heap holds.
 * Reading pauses while the write queue is full so that a fast sender cannot make the echo queue data
 * without bound. Ping, pong and close are answered by Vert.x itself; a close is answered with the code
 * it carried.
 */
final class EchoSocket {

  /**
   * Vert.x only builds a text frame from a {@code String}: at most this many bytes of a text frame are
   * decoded; the rest is sent on, undecoded, in a continuation frame of the same message.
   */
  static final int TEXT_HEAD_BYTES = 16 * 1024;

  private final ServerWebSocket ws;

  private EchoSocket(ServerWebSocket ws) {
    this.ws = ws;
  }

  static void attach(ServerWebSocket ws) {
    EchoSocket echo = new EchoSocket(ws);
    ws.frameHandler(echo::onFrame);
    ws.exceptionHandler(err -> ws.close());
  }

  private void onFrame(WebSocketFrame frame) {
    if (frame.isText()) {
      writeText(frame.binaryData(), frame.isFinal());
    } else if (frame.isBinary()) {
      ws.writeFrame(WebSocketFrame.binaryFrame(frame.binaryData(), frame.isFinal()));
    } else if (frame.isContinuation()) {
      ws.writeFrame(WebSocketFrame.continuationFrame(frame.binaryData(), frame.isFinal()));
    } else {
      return;
    }
    if (ws.writeQueueFull()) {
      ws.pause();
      ws.drainHandler(v -> ws.resume());
    }
  }

  /** Writes a text frame's bytes as a text frame of whole characters plus, if needed, a continuation. */
  private void writeText(Buffer data, boolean isFinal) {
    int cut = textHeadLength(data, TEXT_HEAD_BYTES);
    String head = data.getString(0, cut, StandardCharsets.UTF_8.name());
    if (cut == data.length()) {
      ws.writeFrame(WebSocketFrame.textFrame(head, isFinal));
    } else {
      ws.writeFrame(WebSocketFrame.textFrame(head, false));
      ws.writeFrame(WebSocketFrame.continuationFrame(data.slice(cut, data.length()), isFinal));
    }
  }

  /**
   * Length of the longest prefix of {@code data}, at most {@code limit} bytes, that ends on a UTF-8
   * character boundary. A fragment of a text message may end inside a character, so the end of the
   * data itself only counts as a boundary if its last character is complete.
   */
  static int textHeadLength(Buffer data, int limit) {
    int end = data.length();
    if (limit < end) {
      // a character starts at any byte that is not a continuation byte (10xxxxxx); look back at most 3
      for (int i = limit; i > limit - 4 && i > 0; i--) {
        if (!isContinuation(data.getByte(i))) {
          return i;
        }
      }
      return limit; // not UTF-8 at all: nothing to keep whole
    }
    for (int i = end - 1; i >= 0 && i >= end - 4; i--) {
      int b = data.getByte(i) & 0xff;
      if (!isContinuation((byte) b)) {
        int length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
        return end - i >= length ? end : i;
      }
    }
    return end;
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xc0) == 0x80;
  }
}
