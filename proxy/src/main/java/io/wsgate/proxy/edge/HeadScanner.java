package io.wsgate.proxy.edge;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Checks a complete HTTP/1.x request head (request line, header lines, empty line), byte by byte, before any
 * parser acts on it. It refuses everything two HTTP parsers could read differently (the root of request
 * smuggling) and everything over the configured limits, rather than repairing it: both Content-Length and
 * Transfer-Encoding, several or malformed Content-Length, any Transfer-Encoding but a lone {@code chunked},
 * obs-fold, bare CR or LF, control characters, whitespace before a colon, several or no Host, an absolute-form
 * target for another host. Pure and allocation-light; never throws.
 */
public final class HeadScanner {

  /** Why a head is refused: the status to answer and a short reason (no request bytes in it). */
  public record Refusal(int status, String reason) {
  }

  /** Limits: longest request line, largest header block, most header fields. */
  public record Limits(int maxRequestLine, int maxHeaderSize, int maxHeaders) {
  }

  private static final boolean[] TCHAR = new boolean[128];

  static {
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 32] = true;
    }
  }

  private HeadScanner() {
  }

  /** For a head {@link #scan} accepted: true if one of its header lines is named {@code lowerCaseName}. */
  static boolean hasHeader(byte[] head, int length, String lowerCaseName) {
    int n = lowerCaseName.length();
    for (int i = 1; i + n + 3 <= length; i++) {
      if (head[i] == '\n' && head[i + n + 1] == ':' && head[i - 1] == '\r') {
        boolean match = true;
        for (int j = 0; j < n && match; j++) {
          match = Character.toLowerCase((char) head[i + 1 + j]) == lowerCaseName.charAt(j);
        }
        if (match) {
          return true;
        }
      }
    }
    return false;
  }

  /** Null if {@code head[0..length)} is acceptable, else why not. */
  public static Refusal scan(byte[] head, int length, Limits limits) {
    try {
      return doScan(head, Math.min(length, head.length), limits);
    } catch (RuntimeException e) {
      return new Refusal(400, "unreadable request head");
    }
  }

  private static Refusal doScan(byte[] b, int n, Limits limits) {
    int pos = 0;
    int skipped = 0;
    while (pos + 1 < n && b[pos] == '\r' && b[pos + 1] == '\n') { // RFC 9112 2.2: empty lines before the request
      pos += 2;
      if (++skipped > 4) {
        return new Refusal(400, "empty lines before the request line");
      }
    }
    int lineEnd = lineEnd(b, pos, n);
    if (lineEnd < 0) {
      return lineEnd == -2 ? new Refusal(400, "bare CR or LF in the request line") : new Refusal(400, "incomplete head");
    }
    if (lineEnd - pos > limits.maxRequestLine()) {
      return new Refusal(414, "request line longer than " + limits.maxRequestLine() + " bytes");
    }
    Refusal r = requestLine(b, pos, lineEnd);
    if (r != null) {
      return r;
    }
    String line = new String(b, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
    String target = line.substring(line.indexOf(' ') + 1, line.lastIndexOf(' '));
    boolean http10 = line.endsWith("HTTP/1.0");
    pos = lineEnd + 2;
    int headerStart = pos;
    int fields = 0;
    int hosts = 0;
    int contentLengths = 0;
    String host = null;
    StringBuilder te = null;
    while (true) {
      lineEnd = lineEnd(b, pos, n);
      if (lineEnd < 0) {
        return lineEnd == -2 ? new Refusal(400, "bare CR or LF in a header line") : new Refusal(400, "incomplete head");
      }
      if (lineEnd == pos) {
        break; // the empty line ending the head
      }
      if (lineEnd + 2 - headerStart > limits.maxHeaderSize()) {
        return new Refusal(431, "header block larger than " + limits.maxHeaderSize() + " bytes");
      }
      if (++fields > limits.maxHeaders()) {
        return new Refusal(431, "more than " + limits.maxHeaders() + " header fields");
      }
      if (b[pos] == ' ' || b[pos] == '\t') {
        return new Refusal(400, "obsolete line folding (obs-fold)");
      }
      int colon = pos;
      while (colon < lineEnd && b[colon] != ':') {
        int c = b[colon] & 0xff;
        if (c >= 128 || !TCHAR[c]) {
          return new Refusal(400, c == ' ' || c == '\t' ? "whitespace in or after a header name"
              : "invalid character in a header name");
        }
        colon++;
      }
      if (colon == pos || colon == lineEnd) {
        return new Refusal(400, colon == pos ? "empty header name" : "header line without a colon");
      }
      for (int i = colon + 1; i < lineEnd; i++) {
        int c = b[i] & 0xff;
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          return new Refusal(400, "control character in a header value");
        }
      }
      String name = new String(b, pos, colon - pos, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
      String value = new String(b, colon + 1, lineEnd - colon - 1, StandardCharsets.ISO_8859_1).strip();
      switch (name) {
        case "host" -> {
          hosts++;
          host = value;
        }
        case "content-length" -> {
          contentLengths++;
          if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return new Refusal(400, "malformed Content-Length");
          }
        }
        case "transfer-encoding" -> te = (te == null ? new StringBuilder() : te.append(',')).append(value);
        default -> {
        }
      }
      pos = lineEnd + 2;
    }
    if (pos + 2 != n) {
      return new Refusal(400, "bytes after the head");
    }
    if (contentLengths > 1) {
      return new Refusal(400, "more than one Content-Length");
    }
    if (te != null) {
      if (contentLengths > 0) {
        return new Refusal(400, "both Content-Length and Transfer-Encoding");
      }
      if (http10) {
        return new Refusal(400, "Transfer-Encoding in an HTTP/1.0 request");
      }
      if (!te.toString().strip().equalsIgnoreCase("chunked")) {
        return new Refusal(400, "Transfer-Encoding other than a single chunked");
      }
    }
    if (hosts != 1) {
      return new Refusal(400, hosts == 0 ? "no Host header" : "more than one Host header");
    }
    return absoluteForm(target, host);
  }

  private static Refusal requestLine(byte[] b, int from, int to) {
    int spaces = 0;
    for (int i = from; i < to; i++) {
      int c = b[i] & 0xff;
      if (c == ' ') {
        if (i == from || b[i - 1] == ' ') {
          return new Refusal(400, "malformed request line");
        }
        spaces++;
      } else if (c <= 0x20 || c >= 0x7f) {
        return new Refusal(400, "control character or non-ASCII byte in the request line");
      }
    }
    if (spaces != 2) {
      return new Refusal(400, "malformed request line");
    }
    String line = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    String method = line.substring(0, line.indexOf(' '));
    String version = line.substring(line.lastIndexOf(' ') + 1);
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      return new Refusal(version.startsWith("HTTP/") ? 505 : 400, "unsupported HTTP version");
    }
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      if (c >= 128 || !TCHAR[c]) {
        return new Refusal(400, "malformed method");
      }
    }
    if (method.equals("CONNECT")) {
      return new Refusal(400, "CONNECT is not supported: this is not a forward proxy");
    }
    String target = line.substring(method.length() + 1, line.lastIndexOf(' '));
    if (!target.startsWith("/") && !target.equals("*") && !target.regionMatches(true, 0, "http://", 0, 7)
        && !target.regionMatches(true, 0, "https://", 0, 8)) {
      return new Refusal(400, "malformed request target");
    }
    return null;
  }

  /** An absolute-form target must name the same authority as Host (RFC 9112 3.2.2 says Host is then ignored). */
  private static Refusal absoluteForm(String target, String host) {
    if (target.startsWith("/") || target.equals("*")) {
      return null;
    }
    int start = target.indexOf("://") + 3;
    int end = start;
    while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
      end++;
    }
    String authority = target.substring(start, end);
    if (authority.contains("@") || !authority.equalsIgnoreCase(host)) {
      return new Refusal(400, "absolute-form target for another host");
    }
    return null;
  }

  /** Index of the CR of the CRLF ending the line at {@code from}; -1 if none yet; -2 if a bare CR or LF. */
  static int lineEnd(byte[] b, int from, int n) {
    for (int i = from; i < n; i++) {
      if (b[i] == '\n') {
        return -2;
      }
      if (b[i] == '\r') {
        if (i + 1 >= n) {
          return -1;
        }
        return b[i + 1] == '\n' ? i : -2;
      }
    }
    return -1;
  }
}
