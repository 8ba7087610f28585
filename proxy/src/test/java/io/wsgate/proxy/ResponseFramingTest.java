package io.wsgate.proxy;

import io.wsgate.testing.FixedEndpointProvider;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * How the workspace's response is framed for the client, against a workspace that writes exact bytes: a body of
 * unknown length goes to an HTTP/1.1 client in chunks and to an HTTP/1.0 client with its length, a response without
 * a body gets no chunked coding, every response has a Date, chunk extensions and trailers are read past, a response
 * that breaks HTTP/1.1 or uses a transfer coding the gateway cannot pass on is a clear 502, after which the gateway
 * keeps serving, and a request the workspace drops on a kept-alive connection is sent again when that is safe.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResponseFramingTest {

  private static final String HOST = "ws-framing.localhost";

  @TempDir
  static Path tmp;
  static GatewayFixture f;
  static ServerSocket origin;
  static Gateway gateway;

  @BeforeAll
  static void start() throws IOException {
    f = new GatewayFixture(tmp);
    origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread serving = new Thread(ResponseFramingTest::serve, "raw-origin");
    serving.setDaemon(true);
    serving.start();
    gateway = f.start(TestConfigs.of(tmp.resolve("framing")),
        new FixedEndpointProvider(new Endpoint("127.0.0.1", origin.getLocalPort())));
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      gateway.stop(false).await();
    } finally {
      origin.close();
      f.close();
    }
  }

  @Test
  void aBodyOfUnknownLengthReachesAnHttp11ClientInChunks() throws IOException {
    String r = get("/chunked", "HTTP/1.1");
    assertThat(r).startsWith("HTTP/1.1 200 ");
    assertThat(head(r)).contains("transfer-encoding: chunked").doesNotContain("content-length");
    assertThat(r).contains("hello ").contains("world").endsWith("0\r\n\r\n");
  }

  @Test
  void aBodyOfUnknownLengthReachesAnHttp10ClientWithItsLength() throws IOException {
    String r = get("/chunked", "HTTP/1.0");
    assertThat(r).startsWith("HTTP/1.0 200 ");
    assertThat(head(r)).contains("content-length: 11").doesNotContain("transfer-encoding");
    assertThat(r).endsWith("\r\n\r\nhello world");
  }

  @Test
  void aResponseWithoutBodyIsNotChunked() throws IOException {
    String r = get("/no-content", "HTTP/1.1");
    assertThat(r).startsWith("HTTP/1.1 204 ");
    assertThat(head(r)).doesNotContain("transfer-encoding");
  }

  @Test
  void everyResponseHasADateAndTheWorkspacesOwnIsKept() throws IOException {
    assertThat(get("/chunked", "HTTP/1.1")).containsPattern(
        "\r\n(?i:date): [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n");
    assertThat(get("/dated", "HTTP/1.1")).containsPattern("\r\n(?i:date): Sun, 06 Nov 1994 08:49:37 GMT\r\n");
  }

  @Test
  void aTransferCodingTheGatewayCannotPassOnIsA502() throws IOException {
    String r = get("/gzip-coded", "HTTP/1.1");
    assertThat(r).startsWith("HTTP/1.1 502 ");
    assertThat(r).contains("upstream_bad_response").doesNotContain("compressed bytes");
    assertThat(get("/chunked", "HTTP/1.1")).startsWith("HTTP/1.1 200 ");
  }

  @Test
  void aBodyThatEndsWithTheConnectionReachesTheClientWhole() throws IOException {
    String r = get("/until-close", "HTTP/1.1");
    assertThat(r).startsWith("HTTP/1.1 200 ");
    assertThat(head(r)).contains("transfer-encoding: chunked");
    assertThat(r).contains("all of it, until the workspace closes").endsWith("0\r\n\r\n");
  }

  @Test
  void theAnswerToAHeadOrA304HasNoBodyWhateverItsLengthSays() throws IOException {
    // were the declared 5 bytes awaited, the next answer on the same workspace connection would be taken for them
    for (String request : new String[] {"HEAD /declares-five", "GET /not-modified"}) {
      String r = RawHttp.exchange(gateway.port(), request + " HTTP/1.1\r\nHost: " + HOST
          + "\r\nConnection: close\r\n\r\n", 10_000);
      assertThat(r).as(request).matches("(?s)HTTP/1.1 (200|304) .*\r\n\r\n");
      if (request.startsWith("HEAD")) {
        assertThat(head(r)).as("the length a GET would have").contains("content-length: 5");
      }
      assertThat(get("/dated", "HTTP/1.1")).as("after " + request).startsWith("HTTP/1.1 200 ").endsWith("ok");
    }
  }

  @Test
  void aBodyTheWorkspaceAnsweredBeforeIsReadAndDroppedNotHeldBack() throws Exception {
    // the workspace answers 413 without reading the upload; the client keeps sending (32 MiB, more than the socket
    // buffers hold), so it finishes only if the gateway goes on reading the body and drops it
    int size = 32 * 1024 * 1024;
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      s.setSoTimeout(30_000);
      CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = s.getOutputStream();
          out.write(("POST /early HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: " + size + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
          byte[] chunk = new byte[64 * 1024];
          for (int sent = 0; sent < size; sent += chunk.length) {
            out.write(chunk);
          }
          out.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      RawHttp.readInto(s, got, r -> r.contains("\r\n\r\n"));
      assertThat(got.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 413 ");
      assertThatCode(() -> sending.handle((v, e) -> v).get(30, TimeUnit.SECONDS))
          .as("the client could send the rest of its body").doesNotThrowAnyException();
      assertThat(sending).as("sent whole, on a connection still open").isCompleted().isNotCompletedExceptionally();
    }
    assertThat(get("/chunked", "HTTP/1.1")).startsWith("HTTP/1.1 200 ");
  }

  @Test
  void aContinueReachesAClientThatAskedForIt() throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("POST /continue HTTP/1.1\r\nHost: " + HOST + "\r\nExpect: 100-continue\r\n"
          + "Content-Length: 4\r\nConnection: close\r\n\r\nbody").getBytes(StandardCharsets.ISO_8859_1));
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      RawHttp.readInto(s, got, r -> r.endsWith("\r\n\r\nok"));
      assertThat(got.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 ");
    }
  }

  @Test
  void chunkExtensionsAndTrailersAreReadPast() throws IOException {
    String r = get("/extended", "HTTP/1.0");
    assertThat(r).startsWith("HTTP/1.0 200 ");
    assertThat(r).endsWith("\r\n\r\nhello world");
    assertThat(head(r)).doesNotContain("x-trailer");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/two-lengths", "/folded", "/not-http", "/bad-length", "/control-in-value"})
  void aResponseThatBreaksHttpIsA502AndTheGatewayKeepsServing(String path) throws IOException {
    String r = get(path, "HTTP/1.1");
    assertThat(r).as(path).startsWith("HTTP/1.1 502 ").contains("upstream_bad_response").doesNotContain("smuggled");
    assertThat(get("/chunked", "HTTP/1.1")).startsWith("HTTP/1.1 200 ");
  }

  @Test
  void aBodyThatBreaksOffMidwayLeavesTheClientsResponseIncomplete() throws IOException {
    String r = get("/bad-chunk", "HTTP/1.1");
    assertThat(r).startsWith("HTTP/1.1 200 ").contains("hello").doesNotEndWith("0\r\n\r\n");
    assertThat(get("/chunked", "HTTP/1.1")).startsWith("HTTP/1.1 200 ");
  }

  @Test
  void aRequestWithoutBodyThatTheWorkspaceDroppedOnAKeptConnectionIsSentAgain() throws IOException {
    // the workspace answers, keeps the connection, then closes it on the next request without answering (as a
    // server does whose keep-alive timeout ran out just as that request was sent)
    assertThat(get("/close-next", "HTTP/1.1")).startsWith("HTTP/1.1 200 ").endsWith("first");
    assertThat(get("/chunked", "HTTP/1.1")).as("sent again on a new connection").startsWith("HTTP/1.1 200 ");
  }

  @Test
  void aRequestWithABodyIsNotSentTwice() throws IOException {
    assertThat(get("/close-next", "HTTP/1.1")).startsWith("HTTP/1.1 200 ");
    String r = RawHttp.exchange(gateway.port(), "POST /upload HTTP/1.1\r\nHost: " + HOST
        + "\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody", 10_000);
    assertThat(r).as("the workspace may have seen it: not sent again").startsWith("HTTP/1.1 502 ")
        .contains("upstream_reset");
    assertThat(get("/chunked", "HTTP/1.1")).startsWith("HTTP/1.1 200 ");
  }

  private static String get(String path, String version) throws IOException {
    return RawHttp.exchange(gateway.port(), "GET " + path + " " + version + "\r\nHost: " + HOST + "\r\n"
        + (version.equals("HTTP/1.0") ? "" : "Connection: close\r\n") + "\r\n", 10_000);
  }

  private static String head(String response) {
    int end = response.indexOf("\r\n\r\n");
    return (end < 0 ? response : response.substring(0, end + 2)).toLowerCase(Locale.ROOT);
  }

  /** The workspace: answers each request on its connection with exact bytes chosen by the path. */
  private static void serve() {
    while (!origin.isClosed()) {
      try (Socket s = origin.accept()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = s.getOutputStream();
        boolean dropNext = false;
        for (String line; (line = in.readLine()) != null; ) {
          if (dropNext) {
            break;
          }
          String path = line.split(" ")[1];
          int length = 0;
          while (!(line = in.readLine()).isEmpty()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
              length = Integer.parseInt(line.substring(15).trim());
            }
          }
          if (!path.equals("/early")) {
            in.skip(length);
          }
          out.write(answer(path).getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          if (path.equals("/early")) {
            in.skip(length); // only now, after the answer; the gateway closes the connection at that answer
            break;
          }
          if (path.equals("/until-close")) {
            break;
          }
          dropNext = path.equals("/close-next");
        }
      } catch (IOException | RuntimeException e) {
        // the gateway closed the connection, or the test is over
      }
    }
  }

  private static String answer(String path) {
    return switch (path) {
      case "/chunked" -> "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n";
      case "/dated" -> "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 2\r\n\r\nok";
      case "/no-content" -> "HTTP/1.1 204 No Content\r\n\r\n";
      case "/extended" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "6;name=value\r\nhello \r\n5 ; x\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n";
      case "/continue" -> "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      case "/early" -> "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n";
      case "/until-close" -> "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it, until the workspace closes";
      case "/declares-five" -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
      case "/not-modified" -> "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n";
      case "/close-next" -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst";
      case "/two-lengths" -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 11\r\n\r\nok smuggled";
      case "/folded" -> "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 2\r\n\r\nok";
      case "/not-http" -> "SSH-2.0-OpenSSH_9.2\r\n\r\n";
      case "/bad-length" -> "HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok";
      case "/control-in-value" -> "HTTP/1.1 200 OK\r\nX-A: a\rsmuggled: b\r\nContent-Length: 2\r\n\r\nok";
      case "/bad-chunk" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n";
      case "/gzip-coded" -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
          + "10\r\ncompressed bytes\r\n0\r\n\r\n";
      default -> "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    };
  }
}
