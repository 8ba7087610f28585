package io.wsgate.proxy.edge;

import io.netty.buffer.ByteBuf;

import java.util.Locale;
import java.util.Set;

/**
 * The framing of one chunked request body, checked byte by byte against RFC 9112 section 7.1 before Netty's
 * decoder sees it. Netty is lenient where a workspace's server may not be (a bare LF ending a chunk line, any
 * bytes as a chunk extension, framing fields in the trailers, which it drops silently), and leniency on one side
 * of a proxy is what request smuggling is made of; so the gateway refuses what the grammar does not allow.
 *
 * <p>Stateful, fed in pieces as bytes arrive; stops at the end of the body (what follows is the next request).
 */
final class ChunkedBodyCheck {

  /** Largest chunk accepted: Netty's decoder counts a chunk in an {@code int}. */
  static final long MAX_CHUNK = Integer.MAX_VALUE;
  /** Longest chunk line (size and extensions), so that extensions cannot be used to make us buffer. */
  static final int MAX_LINE = 4096;

  /** Trailer fields that would change how the request is framed, routed, authorised or read (RFC 9110 6.5.1). */
  private static final Set<String> FORBIDDEN_TRAILERS = Set.of("content-length", "transfer-encoding", "host",
      "trailer", "te", "connection", "keep-alive", "upgrade", "proxy-connection", "expect", "content-type",
      "content-encoding", "content-range", "content-location", "authorization", "proxy-authorization", "cookie",
      "range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range",
      "cache-control", "max-forwards", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto");

  private enum State { SIZE, EXTENSION, LINE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LF, DONE }

  private final int maxTrailerBytes;
  private State state = State.SIZE;
  private long size;
  private int digits;
  private int lineLength;
  private long remaining;
  private final StringBuilder trailer = new StringBuilder();
  private int trailerBytes;
  private String problem;

  ChunkedBodyCheck(int maxTrailerBytes) {
    this.maxTrailerBytes = maxTrailerBytes;
  }

  /** True once the body's last CRLF has been read. */
  boolean done() {
    return state == State.DONE;
  }

  /** Why the body is refused, once it is; null while it is well formed so far. */
  String problem() {
    return problem;
  }

  /**
   * Checks the bytes of {@code in} from index {@code from} to its writer index, stopping at the end of the body
   * or at the first problem. Returns how many bytes it read.
   */
  int feed(ByteBuf in, int from) {
    int i = from;
    int end = in.writerIndex();
    while (i < end && problem == null && state != State.DONE) {
      if (state == State.DATA) {
        int n = (int) Math.min(remaining, end - i);
        remaining -= n;
        i += n;
        if (remaining == 0) {
          state = State.DATA_CR;
        }
        continue;
      }
      step(in.getByte(i) & 0xff);
      i++;
    }
    return i - from;
  }

  private void step(int b) {
    switch (state) {
      case SIZE -> size(b);
      case EXTENSION -> extension(b);
      case LINE_LF -> lineEnd(b);
      case DATA_CR -> expect(b, '\r', State.DATA_LF, "chunk data not followed by CRLF");
      case DATA_LF -> expect(b, '\n', State.SIZE, "chunk data not followed by CRLF");
      case TRAILER -> trailer(b);
      case TRAILER_LF -> trailerEnd(b);
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void size(int b) {
    int hex = Character.digit(b, 16);
    if (hex >= 0 && b < 0x80) {
      size = size * 16 + hex;
      if (size > MAX_CHUNK || ++digits > 16) {
        fail("chunk size too large");
      }
      countLine();
      return;
    }
    if (digits == 0) {
      fail(b == '\n' ? "bare LF in a chunk line" : "chunk line without a size");
      return;
    }
    state = State.EXTENSION;
    extension(b);
  }

  /** After the size: optional {@code ;name[=value]} extensions (lenient in content, strict in bytes), then CRLF. */
  private void extension(int b) {
    countLine();
    if (b == '\r') {
      state = State.LINE_LF;
    } else if (b == '\n') {
      fail("bare LF in a chunk line");
    } else if (b == '\t' || b == ' ' || b == ';' || b == '=' || b == '"' || b == '\\' || tchar(b)) {
      // BWS, separators, tokens and quoted strings: nothing else (no CTL, no DEL, no obs-text)
    } else {
      fail("bad byte in a chunk extension");
    }
  }

  private void lineEnd(int b) {
    if (b != '\n') {
      fail("bare CR in a chunk line");
      return;
    }
    lineLength = 0;
    digits = 0;
    if (size == 0) {
      state = State.TRAILER;
      return;
    }
    remaining = size;
    size = 0;
    state = State.DATA;
  }

  private void trailer(int b) {
    if (b == '\r') {
      state = State.TRAILER_LF;
      return;
    }
    if (b == '\n') {
      fail("bare LF in the trailers");
      return;
    }
    if (++trailerBytes > maxTrailerBytes) {
      fail("trailers too large");
      return;
    }
    if (trailer.isEmpty() && (b == ' ' || b == '\t')) {
      fail("folded trailer line");
      return;
    }
    if ((b < 0x20 && b != '\t') || b == 0x7f) {
      fail("control character in a trailer");
      return;
    }
    trailer.append((char) b);
  }

  private void trailerEnd(int b) {
    if (b != '\n') {
      fail("bare CR in the trailers");
      return;
    }
    if (trailer.isEmpty()) {
      state = State.DONE;
      return;
    }
    String line = trailer.toString();
    trailer.setLength(0);
    int colon = line.indexOf(':');
    String name = colon < 0 ? "" : line.substring(0, colon);
    if (name.isEmpty() || !name.chars().allMatch(ChunkedBodyCheck::tchar)) {
      fail("malformed trailer field");
    } else if (FORBIDDEN_TRAILERS.contains(name.toLowerCase(Locale.ROOT))) {
      fail("trailer field '" + name + "' is not allowed in trailers");
    } else {
      state = State.TRAILER;
    }
  }

  private void expect(int b, char wanted, State next, String why) {
    if (b == wanted) {
      state = next;
    } else {
      fail(why);
    }
  }

  private void countLine() {
    if (++lineLength > MAX_LINE) {
      fail("chunk line too long");
    }
  }

  private void fail(String why) {
    if (problem == null) {
      problem = why;
    }
  }

  /** RFC 9110 token characters. */
  private static boolean tchar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
