package io.wsgate.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A workspace's response head, checked as RFC 9112 asks of a recipient: the status, the reason, and what frames the
 * body: chunked, a length (-1 for none), and whether the connection may carry another request after it. Its
 * end-to-end headers go to the map the parser is given (hop-by-hop ones, and those its {@code Connection} header
 * names, are read but not kept); {@code dated}: it has a {@code Date} header.
 */
record ResponseHead(int status, String reason, boolean chunked, long contentLength, boolean keepAlive,
                    boolean dated) {

  /** Whether the reason is none, or the phrase Vert.x writes for the status by itself ("OK" for 200). */
  boolean standardReason() {
    return reason.isEmpty() || (status == 200 ? reason.equals("OK")
        : reason.equals(HttpResponseStatus.valueOf(status).reasonPhrase()));
  }

  /** The index just past the head's blank line, or -1 if it has not all arrived. */
  static int end(ByteBuf in, int from) {
    int end = in.writerIndex();
    int i = in.indexOf(from, end, (byte) '\n');
    while (i >= 0) {
      // a blank line: LF right after the previous LF, or CR LF after it
      if (i + 1 < end && in.getByte(i + 1) == '\n') {
        return i + 2;
      }
      if (i + 2 < end && in.getByte(i + 1) == '\r' && in.getByte(i + 2) == '\n') {
        return i + 3;
      }
      if (i + 2 >= end) {
        return -1;
      }
      i = in.indexOf(i + 1, end, (byte) '\n');
    }
    return -1;
  }
  /**
   * Parses the head in {@code buf} from {@code start} to {@code end} (past its blank line); a final response's
   * headers go to {@code target} as they are read (an interim one's to a map of their own).
   */
  static ResponseHead parse(ByteBuf buf, int start, int end, MultiMap target) throws BadResponseException {
    int eol = buf.indexOf(start, end, (byte) '\n');
    String line = text(buf, start, eol > start && buf.getByte(eol - 1) == '\r' ? eol - 1 : eol);
    if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' '
        || (line.charAt(7) != '1' && line.charAt(7) != '0') || line.length() > 12 && line.charAt(12) != ' ') {
      throw new BadResponseException("the status line is not HTTP/1.x: " + printable(line));
    }
    int status = 0;
    for (int i = 9; i < 12; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        throw new BadResponseException("the status code is not 3 digits: " + printable(line));
      }
      status = status * 10 + (c - '0');
    }
    if (status < 100) {
      throw new BadResponseException("status " + status);
    }
    String reason = line.length() > 13 ? line.substring(13) : "";
    checkValue(reason);
    boolean http10 = line.charAt(7) == '0';
    MultiMap headers = status >= 200 ? target : HeadersMultiMap.httpHeaders();
    boolean dated = false;
    List<String> named = null;
    String te = null;
    int teCount = 0;
    long length = -1;
    String lengthText = null;
    boolean closeOption = false;
    boolean keepAliveOption = false;
    int from = eol + 1;
    while (true) {
      eol = buf.indexOf(from, end, (byte) '\n');
      int lineEnd = eol > from && buf.getByte(eol - 1) == '\r' ? eol - 1 : eol;
      if (lineEnd == from) {
        break;
      }
      byte first = buf.getByte(from);
      if (first == ' ' || first == '\t') {
        throw new BadResponseException("a header line is folded (obs-fold)");
      }
      int colon = buf.indexOf(from, lineEnd, (byte) ':');
      if (colon <= from) {
        throw new BadResponseException("a header line has no name: " + printable(text(buf, from, lineEnd)));
      }
      String name = text(buf, from, colon);
      checkName(name);
      int v = colon + 1;
      int ve = lineEnd;
      while (v < ve && isWhite(buf.getByte(v))) {
        v++;
      }
      while (ve > v && isWhite(buf.getByte(ve - 1))) {
        ve--;
      }
      String value = text(buf, v, ve);
      checkValue(value);
      if (name.length() == 17 && name.equalsIgnoreCase("transfer-encoding")) {
        te = value;
        teCount++;
      } else if (name.length() == 14 && name.equalsIgnoreCase("content-length")) {
        long before = length;
        length = contentLength(value, length);
        // one plain number is passed as it came; a list of the same number, or several headers, as that number
        lengthText = before < 0 && value.indexOf(',') < 0 && value.charAt(0) != '0' ? value : null;
      } else if (name.length() == 10 && name.equalsIgnoreCase("connection")) {
        for (String option : value.split(",")) {
          String o = option.trim();
          if (o.equalsIgnoreCase("close")) {
            closeOption = true;
          } else if (o.equalsIgnoreCase("keep-alive")) {
            keepAliveOption = true;
          } else if (!o.isEmpty() && !HopByHop.isHopByHopName(o)) {
            named = named == null ? new ArrayList<>(2) : named;
            named.add(o);
          }
        }
      } else if (!HopByHop.isHopByHopName(name)) {
        dated |= name.length() == 4 && name.equalsIgnoreCase("date");
        headers.add(name, value);
      }
      from = eol + 1;
    }
    boolean close = closeOption || http10 && !keepAliveOption;
    boolean chunked = false;
    if (te != null) {
      if (teCount > 1 || !te.equalsIgnoreCase("chunked")) {
        throw new BadResponseException.UnpassableCoding(te);
      }
      chunked = true;
      // with both, the length is not to be trusted (RFC 9112 section 6.3), nor the connection after it
      if (length >= 0) {
        length = -1;
        close = true;
      }
    } else if (length >= 0) {
      headers.add("content-length", lengthText != null ? lengthText : Long.toString(length));
    }
    if (named != null) {
      for (String n : named) {
        dated &= !n.equalsIgnoreCase("date");
        headers.remove(n);
      }
    }
    return new ResponseHead(status, reason, chunked, length, !close, dated);
  }

  /** A Content-Length value (a list of the same number, as some servers send, counts as that number). */
  private static long contentLength(String value, long before) throws BadResponseException {
    for (int from = 0, to; from <= value.length(); from = to + 1) {
      to = value.indexOf(',', from);
      to = to < 0 ? value.length() : to;
      String digits = value.substring(from, to).trim();
      if (digits.isEmpty() || digits.length() > 18) {
        throw new BadResponseException("Content-Length is not a number: " + printable(value));
      }
      long n = 0;
      for (int i = 0; i < digits.length(); i++) {
        char c = digits.charAt(i);
        if (c < '0' || c > '9') {
          throw new BadResponseException("Content-Length is not a number: " + printable(value));
        }
        n = n * 10 + (c - '0');
      }
      if (before >= 0 && before != n) {
        throw new BadResponseException("two different Content-Lengths");
      }
      before = n;
    }
    return before;
  }

  private static boolean isWhite(byte b) {
    return b == ' ' || b == '\t';
  }

  private static String text(ByteBuf buf, int from, int to) {
    return buf.toString(from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static void checkName(String name) throws BadResponseException {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        throw new BadResponseException("a header name has '" + printable(String.valueOf(c)) + "'");
      }
    }
  }

  private static void checkValue(String value) throws BadResponseException {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < ' ' && c != '\t' || c == 127) {
        throw new BadResponseException("a header value or the reason has a control character");
      }
    }
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 80));
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      b.append(c >= ' ' && c < 127 ? c : '?');
    }
    return b.toString();
  }
}

