package io.wsgate.proxy.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads one direction of a tunnelled WebSocket (RFC 6455 section 5.2) and passes its bytes on unchanged while
 * parsing only frame headers: data payloads are never unmasked, copied or buffered, just counted past. No extension
 * is ever negotiated through the gateway, so a proxy may forward a client's masked frames as they are.
 *
 * <p>What it enforces, as the frame-by-frame relay did: the mask bit of the direction (clients mask, workspaces do
 * not), no RSV bits, known opcodes, control frames final and at most 125 bytes, continuations only inside a
 * fragmented message and no new message inside one, minimal length encodings, a cap on a message's size (the
 * sum of its fragments), and close frames with a valid status code and a UTF-8 reason. A violation stops the scan before the offending frame's first byte is passed on.
 *
 * <p>Control frames (ping, pong, close: at most 131 bytes) are held whole and handed to {@link Listener#control}
 * rather than forwarded, so the tunnel can swallow the answer to its own keepalive and see close frames. A header
 * split across reads is held until it is complete, so what has been forwarded always ends at a frame boundary
 * unless a data frame's payload is under way ({@link #atBoundary()}): that is where the tunnel may insert a frame.
 * One instance per direction, used on the connection's event loop only.
 */
final class FrameScanner {

  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  /** What the scanner found; called on the scanning thread, in stream order. */
  interface Listener {
    /**
     * Bytes to pass on unchanged (a retained slice of the buffer being scanned, or the held part of a split header);
     * the listener owns them: it writes or releases them.
     */
    void forward(ByteBuf bytes);

    /** The header of a text, binary or continuation frame, before its payload is forwarded. */
    void dataFrame(long payloadLength, boolean fin);

    /** A whole control frame, header included, not forwarded: the listener forwards or releases it. */
    void control(int opcode, ByteBuf frame);

    /** The stream broke the protocol: nothing from the offending frame on is forwarded, nor anything after. */
    void violation(short closeCode, String reason);
  }

  private final boolean expectMasked;
  private final long maxMessage;
  private final Listener listener;

  private final byte[] header = new byte[14];
  private int headerLength;
  /** Header bytes kept from earlier reads (not forwarded yet). */
  private int carried;
  private long remaining;
  /** The control frame being held, or null while none is. */
  private byte[] held;
  private int heldLength;
  private int heldOpcode;
  private boolean inMessage;
  private long messageSize;
  private boolean failed;

  FrameScanner(boolean expectMasked, long maxMessage, Listener listener) {
    this.expectMasked = expectMasked;
    this.maxMessage = maxMessage;
    this.listener = listener;
  }

  /** True if everything forwarded so far ends at a frame boundary: a whole frame may be inserted now. */
  boolean atBoundary() {
    return remaining == 0 || held != null;
  }

  /** True once a violation was reported: the scanner forwards nothing more. */
  boolean failed() {
    return failed;
  }

  /**
   * Scans {@code chunk}'s readable bytes, the next of the stream, forwarding what may pass; the caller still owns
   * {@code chunk} (what is forwarded is retained).
   */
  void scan(ByteBuf chunk) {
    if (failed) {
      return;
    }
    int end = chunk.writerIndex();
    int pos = chunk.readerIndex();
    int from = pos; // the first byte of the chunk neither forwarded nor held yet
    int headerStart = pos; // where the current header's bytes begin in this chunk
    while (pos < end) {
      if (remaining > 0) {
        int n = (int) Math.min(remaining, end - pos);
        if (held != null) {
          chunk.getBytes(pos, held, heldLength, n);
          heldLength += n;
          from = pos + n;
        }
        pos += n;
        remaining -= n;
        if (remaining == 0 && held != null) {
          releaseHeld();
          if (failed) {
            return;
          }
        }
        continue;
      }
      if (headerLength == 0) {
        headerStart = pos;
      }
      header[headerLength++] = chunk.getByte(pos++);
      if (headerLength < 2 || headerLength < headerSize()) {
        continue;
      }
      String problem = checkHeader();
      if (problem != null) {
        forward(chunk, from, headerStart);
        failed = true;
        listener.violation(problem == TOO_BIG ? (short) 1009 : (short) 1002, problem);
        return;
      }
      int opcode = header[0] & 0x0f;
      if (opcode >= OP_CLOSE) {
        forward(chunk, from, headerStart);
        held = new byte[headerLength + (int) remaining];
        System.arraycopy(header, 0, held, 0, headerLength);
        heldLength = headerLength;
        heldOpcode = opcode;
        from = pos;
        headerLength = 0;
        carried = 0;
        if (remaining == 0) {
          releaseHeld();
          if (failed) {
            return;
          }
        }
        continue;
      }
      if (carried > 0) {
        // the header began in an earlier read: its first bytes go out now, the rest with this chunk
        listener.forward(Unpooled.wrappedBuffer(java.util.Arrays.copyOf(header, carried)));
        carried = 0;
      }
      headerLength = 0;
      boolean fin = (header[0] & 0x80) != 0;
      listener.dataFrame(remaining, fin);
      if (failed) {
        return; // the listener gave up on this stream
      }
    }
    if (headerLength > 0) {
      forward(chunk, from, carried > 0 ? from : headerStart);
      carried = headerLength;
    } else if (held == null) {
      forward(chunk, from, end);
    }
  }

  /** Stops forwarding: the tunnel is closing this direction. */
  void stop() {
    failed = true;
  }

  private static final String TOO_BIG = "message too big";

  private int headerSize() {
    int len7 = header[1] & 0x7f;
    int size = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
    return (header[1] & 0x80) != 0 ? size + 4 : size;
  }

  /** Validates the complete header in {@link #header}; sets {@link #remaining}. Null if the frame may pass. */
  private String checkHeader() {
    int b0 = header[0] & 0xff;
    int b1 = header[1] & 0xff;
    if ((b0 & 0x70) != 0) {
      return "RSV bits set (no extension was negotiated)";
    }
    boolean masked = (b1 & 0x80) != 0;
    if (masked != expectMasked) {
      return expectMasked ? "unmasked frame from the client" : "masked frame from the workspace";
    }
    int len7 = b1 & 0x7f;
    long length;
    if (len7 == 126) {
      length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
      if (length < 126) {
        return "length not in minimal encoding";
      }
    } else if (len7 == 127) {
      length = 0;
      for (int i = 2; i < 10; i++) {
        length = (length << 8) | (header[i] & 0xff);
      }
      if (length < 0) {
        return "length with the most significant bit set";
      }
      if (length <= 0xffff) {
        return "length not in minimal encoding";
      }
    } else {
      length = len7;
    }
    int opcode = b0 & 0x0f;
    boolean fin = (b0 & 0x80) != 0;
    switch (opcode) {
      case OP_CLOSE, OP_PING, OP_PONG -> {
        if (!fin) {
          return "fragmented control frame";
        }
        if (length > 125) {
          return "control frame longer than 125 bytes";
        }
      }
      case OP_TEXT, OP_BINARY -> {
        if (inMessage) {
          return "new message inside a fragmented one";
        }
        messageSize = 0;
      }
      case OP_CONTINUATION -> {
        if (!inMessage) {
          return "continuation outside a fragmented message";
        }
      }
      default -> {
        return "reserved opcode " + opcode;
      }
    }
    if (opcode < OP_CLOSE) {
      messageSize += length;
      if (messageSize > maxMessage) {
        return TOO_BIG;
      }
      inMessage = !fin;
    }
    remaining = length;
    return null;
  }

  private void releaseHeld() {
    byte[] frame = held;
    int length = heldLength;
    held = null;
    heldLength = 0;
    if (heldOpcode == OP_CLOSE && !isValidClose(frame, length)) {
      failed = true;
      listener.violation((short) 1002, "invalid close frame");
      return;
    }
    listener.control(heldOpcode, Unpooled.wrappedBuffer(frame, 0, length));
  }

  /**
   * A close frame's body is empty, or a status code a peer may send (section 7.4) and a UTF-8 reason: what Netty's
   * decoder checked for the frame relay.
   */
  private static boolean isValidClose(byte[] frame, int length) {
    boolean masked = (frame[1] & 0x80) != 0;
    int start = masked ? 6 : 2;
    int n = length - start;
    if (n == 0) {
      return true;
    }
    if (n == 1) {
      return false;
    }
    byte[] body = new byte[n];
    for (int i = 0; i < n; i++) {
      body[i] = masked ? (byte) (frame[start + i] ^ frame[2 + (i & 3)]) : frame[start + i];
    }
    int code = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
    boolean known = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    if (!known) {
      return false;
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body, 2, n - 2));
      return true;
    } catch (CharacterCodingException notUtf8) {
      return false;
    }
  }

  private void forward(ByteBuf chunk, int from, int to) {
    if (to <= from) {
      return;
    }
    listener.forward(from == chunk.readerIndex() && to == chunk.writerIndex() ? chunk.retain()
        : chunk.retainedSlice(from, to - from));
  }
}
