package io.wsgate.proxy.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The control frames the gateway sends itself (keepalive pings, closes), masked toward the workspace (the gateway
 * is its client) and unmasked toward the browser, and the recognition of the browser's answer to a keepalive.
 */
final class ControlFrames {

  private ControlFrames() {
  }

  /** A close frame with {@code code} and {@code reason} (cut to fit the 125 bytes a control frame may carry). */
  static ByteBuf close(short code, String reason, boolean masked) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(text.length, 123);
    byte[] payload = new byte[2 + n];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, n);
    return frame(FrameScanner.OP_CLOSE, payload, masked);
  }

  /** A final control frame; {@code masked} for frames to the workspace. */
  static ByteBuf frame(int opcode, byte[] payload, boolean masked) {
    ByteBuf b = Unpooled.buffer(2 + (masked ? 4 : 0) + payload.length);
    b.writeByte(0x80 | opcode);
    b.writeByte((masked ? 0x80 : 0) | payload.length);
    if (!masked) {
      return b.writeBytes(payload);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    b.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      b.writeByte(payload[i] ^ mask[i & 3]);
    }
    return b;
  }

  /** Whether {@code frame}, a client's pong (masked), carries exactly {@code keepalive}: the answer to our ping. */
  static boolean isPongTo(ByteBuf frame, byte[] keepalive) {
    int at = frame.readerIndex();
    int length = frame.getByte(at + 1) & 0x7f;
    if (length != keepalive.length || frame.readableBytes() != 6 + length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if ((byte) (frame.getByte(at + 6 + i) ^ frame.getByte(at + 2 + (i & 3))) != keepalive[i]) {
        return false;
      }
    }
    return true;
  }
}
