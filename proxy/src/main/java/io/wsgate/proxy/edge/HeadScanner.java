package io.wsgate.proxy.edge;

import java.nio.charset.StandardCharsets;

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
      if (head[i] == '\n' && head[i + n + 1] == ':' && head[i - 1] == '\r' && isName(head, i + 1, i + 1 + n,
          lowerCaseName)) {
        return true;
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
    int targetFrom = indexOf(b, pos, lineEnd, (byte) ' ') + 1;
    int targetTo = lastSpace(b, pos, lineEnd);
    boolean http10 = b[lineEnd - 1] == '0';
    pos = lineEnd + 2;
    int headerStart = pos;
    int fields = 0;
    int hosts = 0;
    int contentLengths = 0;
    int hostFrom = 0;
    int hostTo = 0;
    int encodings = 0;
    boolean chunkedOnly = false;
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
      // the value without the optional whitespace around it (no other control character is left in it)
      int from = colon + 1;
      int to = lineEnd;
      while (from < to && (b[from] == ' ' || b[from] == '\t')) {
        from++;
      }
      while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
        to--;
      }
      if (isName(b, pos, colon, "host")) {
        hosts++;
        hostFrom = from;
        hostTo = to;
      } else if (isName(b, pos, colon, "content-length")) {
        contentLengths++;
        if (from == to || to - from > 18 || !digits(b, from, to)) {
          return new Refusal(400, "malformed Content-Length");
        }
      } else if (isName(b, pos, colon, "transfer-encoding")) {
        encodings++;
        chunkedOnly = isName(b, from, to, "chunked");
      }
      pos = lineEnd + 2;
    }
    if (pos + 2 != n) {
      return new Refusal(400, "bytes after the head");
    }
    if (contentLengths > 1) {
      return new Refusal(400, "more than one Content-Length");
    }
    if (encodings > 0) {
      if (contentLengths > 0) {
        return new Refusal(400, "both Content-Length and Transfer-Encoding");
      }
      if (http10) {
        return new Refusal(400, "Transfer-Encoding in an HTTP/1.0 request");
      }
      if (encodings > 1 || !chunkedOnly) {
        return new Refusal(400, "Transfer-Encoding other than a single chunked");
      }
    }
    if (hosts != 1) {
      return new Refusal(400, hosts == 0 ? "no Host header" : "more than one Host header");
    }
    if (b[targetFrom] == '/' || targetTo - targetFrom == 1 && b[targetFrom] == '*') {
      return null; // origin-form or asterisk-form: most requests, and no text made of them
    }
    return absoluteForm(latin1(b, targetFrom, targetTo), latin1(b, hostFrom, hostTo));
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
    int methodEnd = indexOf(b, from, to, (byte) ' ');
    int versionFrom = lastSpace(b, from, to) + 1;
    if (!matches(b, versionFrom, to, "HTTP/1.1") && !matches(b, versionFrom, to, "HTTP/1.0")) {
      return new Refusal(to - versionFrom >= 5 && matches(b, versionFrom, versionFrom + 5, "HTTP/") ? 505 : 400,
          "unsupported HTTP version");
    }
    // every byte of the line is a visible ASCII character or a space by now, and the method has no space
    for (int i = from; i < methodEnd; i++) {
      if (!TCHAR[b[i]]) {
        return new Refusal(400, "malformed method");
      }
    }
    if (matches(b, from, methodEnd, "CONNECT")) {
      return new Refusal(400, "CONNECT is not supported: this is not a forward proxy");
    }
    int target = methodEnd + 1;
    int targetEnd = versionFrom - 1;
    if (b[target] != '/' && !(targetEnd - target == 1 && b[target] == '*')
        && !startsWithIgnoringCase(b, target, targetEnd, "http://")
        && !startsWithIgnoringCase(b, target, targetEnd, "https://")) {
      return new Refusal(400, "malformed request target");
    }
    return null;
  }

  /** Whether {@code b[from..to)} is {@code text}, byte for byte. */
  private static boolean matches(byte[] b, int from, int to, String text) {
    if (to - from != text.length()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (b[from + i] != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code b[from..to)}, a token (header name) or a value without control characters, is {@code lowerCase}
   * in any case. {@code lowerCase} has only lower-case letters and {@code -}: no other byte of a token or value
   * becomes one of those by setting its 0x20 bit.
   */
  private static boolean isName(byte[] b, int from, int to, String lowerCase) {
    if (to - from != lowerCase.length()) {
      return false;
    }
    for (int i = 0; i < lowerCase.length(); i++) {
      int c = b[from + i];
      char want = lowerCase.charAt(i);
      if ((c | 0x20) != want || want == '-' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWithIgnoringCase(byte[] b, int from, int to, String lowerCasePrefix) {
    return to - from >= lowerCasePrefix.length()
        && latin1(b, from, from + lowerCasePrefix.length()).equalsIgnoreCase(lowerCasePrefix);
  }

  private static boolean digits(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, int from, int to, byte c) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static int lastSpace(byte[] b, int from, int to) {
    for (int i = to - 1; i >= from; i--) {
      if (b[i] == ' ') {
        return i;
      }
    }
    return -1;
  }

  private static String latin1(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
  }

  /** An absolute-form target must name the same authority as Host (RFC 9112 3.2.2 says Host is then ignored). */
  private static Refusal absoluteForm(String target, String host) {
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
