package io.wsgate.proxy.http;

import io.netty.buffer.ByteBuf;

/**
 * The framing of a chunked response body (RFC 9112 section 7.1) as its bytes arrive: each chunk-size line (hex
 * size, extensions skipped), the CRLF after each chunk's data, the last chunk and the trailer section (read past,
 * never passed on). {@link #next} reads framing up to the next data and says how much of it follows; the caller
 * takes those bytes and reports them with {@link #took}. A bare LF is taken for CRLF, as Netty's decoders do.
 */
final class ChunkedBody {

  /** The longest chunk-size line, extensions included. */
  static final int MAX_SIZE_LINE = 4096;

  private enum State { SIZE, DATA, DATA_END, TRAILERS, DONE }

  private State state = State.SIZE;
  /** Data bytes left in the current chunk, or the size read so far on a size line. */
  private long left;
  private int lineLength;
  private int digits;
  private boolean extension;
  private boolean sizeEnded;
  private int trailerLine;

  /**
   * Reads framing from {@code in} up to the next data: how many data bytes of the current chunk follow (not all of
   * them may have arrived yet), 0 if {@code in} ran out first, -1 once the body ended (the trailers read).
   */
  long next(ByteBuf in) throws BadResponseException {
    while (true) {
      switch (state) {
        case DATA -> {
          return left;
        }
        case DONE -> {
          return -1;
        }
        default -> {
          if (!in.isReadable()) {
            return 0;
          }
          step(in.readByte());
        }
      }
    }
  }

  /** {@code n} data bytes (at most what {@link #next} said) were taken. */
  void took(int n) {
    left -= n;
    if (left == 0) {
      state = State.DATA_END;
      lineLength = 0;
    }
  }

  private void step(byte b) throws BadResponseException {
    switch (state) {
      case SIZE -> size(b);
      case DATA_END -> {
        if (b == '\n') {
          sizeLine();
        } else if (b != '\r' || lineLength++ > 0) {
          throw new BadResponseException("a chunk's data is not followed by CRLF");
        }
      }
      case TRAILERS -> {
        if (++lineLength > WorkspaceConnection.MAX_HEAD) {
          throw new BadResponseException("the trailers are larger than " + WorkspaceConnection.MAX_HEAD + " bytes");
        }
        if (b == '\n') {
          if (trailerLine == 0) {
            state = State.DONE;
          }
          trailerLine = 0;
        } else if (b != '\r') {
          trailerLine++;
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void size(byte b) throws BadResponseException {
    if (++lineLength > MAX_SIZE_LINE) {
      throw new BadResponseException("a chunk-size line is longer than " + MAX_SIZE_LINE + " bytes");
    }
    if (b == '\n') {
      if (digits == 0) {
        throw new BadResponseException("a chunk has no size");
      }
      if (left == 0) {
        state = State.TRAILERS;
        lineLength = 0;
        trailerLine = 0;
      } else {
        state = State.DATA;
      }
      return;
    }
    if (extension) {
      return;
    }
    int digit = Character.digit(b, 16);
    if (digit >= 0 && !sizeEnded) {
      if (++digits > 15) {
        throw new BadResponseException("a chunk size does not fit");
      }
      left = left << 4 | digit;
    } else if (b == ';') {
      extension = true;
    } else if (b == '\r' || b == ' ' || b == '\t') {
      sizeEnded = true;
    } else {
      throw new BadResponseException("a chunk-size line has '" + ResponseHead.printable(String.valueOf((char) b))
          + "'");
    }
  }

  private void sizeLine() {
    state = State.SIZE;
    left = 0;
    lineLength = 0;
    digits = 0;
    extension = false;
    sizeEnded = false;
  }
}
