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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code WSGATE_IDLE_TIMEOUT} on client connections: a keep-alive connection with nothing read or written for the
 * timeout is closed, not before; a response the client takes slowly, over several timeouts, is not cut off, as each
 * write the gateway makes counts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IdleTimeoutTest {

  private static final long TIMEOUT_MS = 1_000;

  @TempDir
  static Path tmp;
  static GatewayFixture f;

  @BeforeAll
  static void start() {
    f = new GatewayFixture(tmp, "WSGATE_IDLE_TIMEOUT", "1s");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void idleKeepAliveConnectionIsClosedAfterTheTimeout() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), f.gateway.port())) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write("GET /healthz HTTP/1.1\r\nHost: ws-idle.localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      StringBuilder reply = new StringBuilder();
      while (!(reply.indexOf("\r\n\r\n") > 0 && reply.toString().endsWith("ok"))) {
        reply.append((char) in.read());
      }
      assertThat(reply).startsWith("HTTP/1.1 200");
      long answered = System.nanoTime();
      assertThat(in.read()).as("the gateway closes the idle connection").isEqualTo(-1);
      // the gateway's last write came before the client read it: a little under the timeout, never much
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered)).isGreaterThanOrEqualTo(TIMEOUT_MS - 100);
    }
  }

  @Test
  void slowReaderIsNotCutOffWhileTheResponseFlows() throws Exception {
    long total = 32L << 20;
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(64 * 1024); // what the client does not take stays with the gateway, not in the kernel
      s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), f.gateway.port()));
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET /download?bytes=" + total + " HTTP/1.1\r\nHost: ws-slowread.localhost\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64 * 1024];
      long got = 0;
      long start = System.nanoTime();
      byte[] tail = new byte[5];
      while (true) {
        // about 10 MB a second: the download spans several idle timeouts
        long due = start + TimeUnit.MILLISECONDS.toNanos(got / (10L << 10));
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait); // the pace of a slow reader, not a wait for an event
        }
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        for (int i = Math.max(0, n - tail.length); i < n; i++) {
          System.arraycopy(tail, 1, tail, 0, tail.length - 1);
          tail[tail.length - 1] = buf[i];
        }
        got += n;
        if (new String(tail, StandardCharsets.ISO_8859_1).equals("0\r\n\r\n")) {
          break; // the body is zero bytes: this is the end of the chunked encoding
        }
      }
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(got).as("the whole body (and its framing) arrived").isGreaterThan(total);
      assertThat(new String(tail, StandardCharsets.ISO_8859_1)).isEqualTo("0\r\n\r\n");
      assertThat(tookMs).as("the reading spanned more than two timeouts").isGreaterThan(2 * TIMEOUT_MS);
    }
  }
}
