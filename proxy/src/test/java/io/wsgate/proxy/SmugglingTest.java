package io.wsgate.proxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and ambiguous requests, sent as raw bytes, are refused with 400 (414/431 for size) and
 * {@code Connection: close} before anything reaches the workspace. Auth is off here so that anything that got
 * through would reach the backend, which counts what it receives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SmugglingTest {

  @TempDir
  static Path tmp;
  static GatewayFixture f;
  static String host;

  @BeforeAll
  static void start() {
    f = new GatewayFixture(tmp);
    host = "ws-smuggle.localhost:" + f.gateway.port();
    // launch once, so a request that got through would really reach the backend
    assertThat(f.http.get(f.host("smuggle"), "/healthz").await().status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static Stream<Arguments> attacks() {
    String h = "Host: ws-smuggle.localhost\r\n";
    return Stream.of(
        Arguments.of("CL and TE", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("TE and CL", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("CL and TE in HTTP/1.0", "POST /echo HTTP/1.0\r\n" + h + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("TE in HTTP/1.0", "POST /echo HTTP/1.0\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("differing CL", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
        Arguments.of("duplicate CL", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400),
        Arguments.of("CL list", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 5, 5\r\n\r\nhello", 400),
        Arguments.of("CL sign", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: +5\r\n\r\nhello", 400),
        Arguments.of("CL hex", "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 0x5\r\n\r\nhello", 400),
        Arguments.of("TE chunked not last", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("TE gzip then chunked", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("TE xchunked", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("TE twice", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("obs-fold", "GET /echo HTTP/1.1\r\n" + h + "X-A: a\r\n b\r\n\r\n", 400),
        Arguments.of("obs-fold TE", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("bare LF", "GET /echo HTTP/1.1\n" + h.replace("\r\n", "\n") + "\n", 400),
        Arguments.of("bare LF in a header", "GET /echo HTTP/1.1\r\n" + h + "X-A: a\nX-B: b\r\n\r\n", 400),
        Arguments.of("bare CR", "GET /echo HTTP/1.1\r\n" + h + "X-A: a\rX-B: b\r\n\r\n", 400),
        Arguments.of("control char in a name", "GET /echo HTTP/1.1\r\n" + h + "X-\u0001A: b\r\n\r\n", 400),
        Arguments.of("space before colon", "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
        Arguments.of("NUL in a value", "GET /echo HTTP/1.1\r\n" + h + "X-A: a\u0000b\r\n\r\n", 400),
        Arguments.of("NUL before the request line", "\u0000GET /echo HTTP/1.1\r\n" + h + "\r\n", 400),
        Arguments.of("two Host headers", "GET /echo HTTP/1.1\r\n" + h + "Host: ws-other.localhost\r\n\r\n", 400),
        Arguments.of("no Host", "GET /echo HTTP/1.1\r\n\r\n", 400),
        Arguments.of("no Host, HTTP/1.0", "GET /echo HTTP/1.0\r\n\r\n", 400),
        Arguments.of("absolute-form for another host", "GET http://ws-other.localhost/echo HTTP/1.1\r\n" + h + "\r\n", 400),
        Arguments.of("absolute-form with userinfo", "GET http://x@ws-smuggle.localhost/echo HTTP/1.1\r\n" + h + "\r\n", 400),
        Arguments.of("CONNECT", "CONNECT ws-smuggle.localhost:80 HTTP/1.1\r\n" + h + "\r\n", 400),
        Arguments.of("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
        Arguments.of("request line over 8 KiB", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + h + "\r\n", 414),
        Arguments.of("header block over 16 KiB", "GET /echo HTTP/1.1\r\n" + h + "X-Big: " + "b".repeat(17_000) + "\r\n\r\n", 431),
        Arguments.of("101 headers", "GET /echo HTTP/1.1\r\n" + h + "X-N: n\r\n".repeat(100) + "\r\n", 431));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void refusedBeforeTheWorkspace(String name, String request, int status) throws Exception {
    int before = f.backend.requests();
    String reply = RawHttp.exchange(f.gateway.port(), request, 30_000);
    assertThat(reply).as(name).startsWith("HTTP/1.1 " + status);
    assertThat(reply.toLowerCase()).as(name).contains("connection: close");
    assertThat(f.backend.requests()).as(name + ": requests that reached the workspace").isEqualTo(before);
  }

  @Test
  void wellFormedPipelinedRequestsAllPass() throws Exception {
    int before = f.backend.requests();
    String h = "Host: " + host + "\r\n";
    String reply = readAll(f.gateway.port(),
        "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 5\r\n\r\nhello"
            + "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
            + "\r\nGET /echo HTTP/1.1\r\n" + h + "Connection: close\r\n\r\n");
    assertThat(reply.split("HTTP/1.1 200", -1)).hasSize(4);
    assertThat(reply).contains("\"bodyLength\":5", "\"bodyLength\":3", "\"bodyLength\":0");
    assertThat(f.backend.requests()).isEqualTo(before + 3);
  }

  /** Sends {@code request} and reads until the server closes (the last request asks it to). */
  private static String readAll(int port, String request) throws Exception {
    try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }
}
