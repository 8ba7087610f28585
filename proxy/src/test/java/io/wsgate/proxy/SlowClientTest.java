package io.wsgate.proxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Slowloris: a head that does not complete within the header timeout, or a body that stalls, closes the
 * connection; an idle keep-alive connection between requests is not cut by either.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowClientTest {

  @TempDir
  static Path tmp;
  static GatewayFixture f;

  @BeforeAll
  static void start() {
    f = new GatewayFixture(tmp, "WSGATE_HEADER_TIMEOUT", "1s", "WSGATE_BODY_IDLE_TIMEOUT", "1s");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static String readToEnd(Socket s) throws Exception {
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void incompleteHeadIsClosedAfterTheDeadline() throws Exception {
    int before = f.backend.requests();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.gateway.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: ws-slow.localhost\r\nX-A: 1\r\n".getBytes(StandardCharsets.ISO_8859_1));
      long start = System.nanoTime();
      String reply = readToEnd(s);
      assertThat(reply).startsWith("HTTP/1.1 408");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(20_000);
    }
    assertThat(f.backend.requests()).isEqualTo(before);
  }

  @Test
  void silentConnectionIsClosedAfterTheDeadline() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.gateway.port())) {
      s.setSoTimeout(30_000);
      assertThat(readToEnd(s)).startsWith("HTTP/1.1 408");
    }
  }

  @Test
  void stalledBodyIsClosed() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.gateway.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: ws-stall.localhost\r\nContent-Length: 100\r\n\r\n"
          + "0123456789").getBytes(StandardCharsets.ISO_8859_1));
      String reply = readToEnd(s); // the gateway gives up on the body and closes; whatever it sent, it ends
      assertThat(reply).doesNotContain("HTTP/1.1 200");
    }
  }

  @Test
  void idleKeepAliveConnectionSurvivesTheHeaderDeadline() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.gateway.port())) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      String request = "GET /healthz HTTP/1.1\r\nHost: ws-keep.localhost\r\n\r\n";
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.setSoTimeout(30_000);
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
      s.setSoTimeout(2_500); // longer than the 1 s header timeout: nothing may arrive, not even a close
      assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.setSoTimeout(30_000);
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
    }
  }

  /** Reads one response whose body is "ok" (the backend's /healthz). */
  private static String readResponse(InputStream in) throws Exception {
    StringBuilder b = new StringBuilder();
    while (!(b.indexOf("\r\n\r\n") > 0 && b.toString().endsWith("ok"))) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.append((char) c);
    }
    return b.toString();
  }
}
