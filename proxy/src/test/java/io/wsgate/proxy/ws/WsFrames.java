package io.wsgate.proxy.ws;

import java.io.ByteArrayOutputStream;

/** WebSocket frames built byte by byte for tests (RFC 6455 section 5.2), with any bits, right or wrong. */
public final class WsFrames {

  public static final int TEXT = FrameScanner.OP_TEXT;
  public static final int BINARY = FrameScanner.OP_BINARY;
  public static final int CONTINUATION = FrameScanner.OP_CONTINUATION;
  public static final int CLOSE = FrameScanner.OP_CLOSE;
  public static final int PING = FrameScanner.OP_PING;
  public static final int PONG = FrameScanner.OP_PONG;

  private WsFrames() {
  }

  public static byte[] frame(boolean fin, int opcode, boolean masked, int payloadLength) {
    return frame(fin, 0, opcode, masked, new byte[payloadLength], -1);
  }

  /** A frame with the given bits; {@code lengthBytes} 0, 2 or 8 forces a length encoding (-1: the minimal one). */
  public static byte[] frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload, int lengthBytes) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
    int n = payload.length;
    int enc = lengthBytes >= 0 ? lengthBytes : n < 126 ? 0 : n <= 0xffff ? 2 : 8;
    int m = masked ? 0x80 : 0;
    if (enc == 0) {
      b.write(m | n);
    } else if (enc == 2) {
      b.write(m | 126);
      b.write(n >> 8);
      b.write(n);
    } else {
      b.write(m | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        b.write((int) ((long) n >> shift));
      }
    }
    byte[] mask = {0x11, 0x22, 0x33, 0x44};
    if (masked) {
      b.writeBytes(mask);
    }
    for (int i = 0; i < n; i++) {
      b.write(masked ? payload[i] ^ mask[i & 3] : payload[i]);
    }
    return b.toByteArray();
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  /** A frame with this payload and the minimal length encoding. */
  public static byte[] frame(boolean fin, int opcode, boolean masked, byte[] payload) {
    return frame(fin, 0, opcode, masked, payload, -1);
  }
}
