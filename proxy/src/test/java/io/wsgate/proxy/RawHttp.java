package io.wsgate.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/** Sends exact bytes over a plain socket and reads the reply, for tests that need full control of the wire. */
public final class RawHttp {

  private RawHttp() {
  }

  /** Writes {@code request} and reads until the server closes or {@code timeoutMs} of silence. */
  public static String exchange(int port, String request, int timeoutMs) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(timeoutMs);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      try {
        readInto(s, got, RawHttp::complete);
      } catch (java.net.SocketTimeoutException e) {
        // silence: return what arrived
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * Reads into {@code got} until what arrived satisfies {@code done} or the peer closes; the socket's read timeout
   * ends it with a {@link java.net.SocketTimeoutException}, {@code got} holding what arrived.
   */
  static void readInto(Socket s, ByteArrayOutputStream got, Predicate<String> done) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      got.write(buf, 0, n);
      if (done.test(got.toString(StandardCharsets.ISO_8859_1))) {
        return;
      }
    }
  }

  private static boolean complete(String s) {
    int end = s.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    String head = s.substring(0, end).toLowerCase();
    if (head.startsWith("http/1.1 101")) {
      return true; // switched protocols: nothing more belongs to this answer
    }
    int cl = head.indexOf("content-length:");
    if (cl < 0) {
      return head.contains("transfer-encoding: chunked") ? s.endsWith("0\r\n\r\n") : false;
    }
    int eol = head.indexOf("\r\n", cl);
    int len = Integer.parseInt(head.substring(cl + 15, eol < 0 ? head.length() : eol).trim());
    return s.length() - end - 4 >= len;
  }
}
