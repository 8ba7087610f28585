package io.wsgate.proxy;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.wsgate.metrics.Meters;
import io.wsgate.metrics.Metrics;
import io.wsgate.testing.Eventually;
import io.wsgate.testing.FixedEndpointProvider;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestBackend;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's malformed request body is the client's fault: it gets a 400 with {@code Connection: close} (when no
 * response to it has started), the request the workspace was given is reset at once instead of waiting for the
 * response timeout, and nothing is counted or logged as the workspace's failure: no upstream outcome in the
 * meters, no warning or error in the log, no readiness probe. Raw sockets, so the bytes are exactly the attack.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MalformedBodyTest {

  static final String HEAD = "POST /upload HTTP/1.1\r\nHost: ws-body.localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
  /** Far below the upstream response timeout (60 s here): a reset that waited for it would fail the test. */
  static final Duration PROMPTLY = Duration.ofSeconds(20);

  @TempDir
  static Path tmp;
  static final Vertx vertx = Vertx.vertx();
  static RedisFixture redis;
  static TestBackend backend;
  static MeterRegistry registry;
  static Gateway gateway;
  static int probesAtStart;
  static LogCapture logs;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisFixture.start();
    backend = new TestBackend("body", 0);
    vertx.deployVerticle(backend).await();
    registry = Metrics.newRegistry();
    gateway = Gateway.start(vertx, TestConfigs.of(tmp, "WSGATE_UPSTREAM_RESPONSE_TIMEOUT", "60s",
            "WSGATE_PROFILE_DEMO_READINESS_PATH", "/healthz"), redis.url(),
        Gateway.Dependencies.defaults().withProvider(new FixedEndpointProvider(new Endpoint("127.0.0.1",
            backend.actualPort()))).withMeters(new Meters(registry, 0))).await();
    // launch once, so the route is live and a request that got through would reach the backend
    String ok = RawHttp.exchange(gateway.port(), HEAD.replace("/upload", "/healthz") + "0\r\n\r\n", 30_000);
    assertThat(ok).startsWith("HTTP/1.1 200");
    probesAtStart = backend.requests("/healthz");
    logs = LogCapture.root();
  }

  @AfterAll
  static void stop() {
    logs.close();
    try {
      gateway.stop(false).await();
    } finally {
      vertx.close().await();
      redis.close();
    }
  }

  @BeforeEach
  void clearLogs() {
    logs.clear();
  }

  static Stream<Arguments> brokenBodies() {
    return Stream.of(
        Arguments.of("chunk size overflow", "ffffffffffffffff1\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunk size over 2^31", "80000000\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunk extension ended by a bare LF", "3;ext=1\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunk size ended by a bare LF", "3\nabc\r\n0\r\n\r\n"),
        Arguments.of("bare CR in a chunk line", "3\rabc\r\n0\r\n\r\n"),
        Arguments.of("control character in a chunk extension", "3;e\u0001x\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("obs-text in a chunk extension", "3;e=\u00ff\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("no chunk size", ";ext\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunk size with a sign", "+3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("chunk data longer than its size", "3\r\nabcd\r\n0\r\n\r\n"),
        Arguments.of("chunk data ended by a bare LF", "3\r\nabc\n0\r\n\r\n"),
        Arguments.of("last chunk ended by a bare LF", "3\r\nabc\r\n0\n\r\n"),
        Arguments.of("Content-Length in the trailers", "3\r\nabc\r\n0\r\nContent-Length: 5\r\n\r\n"),
        Arguments.of("Transfer-Encoding in the trailers", "3\r\nabc\r\n0\r\nTransfer-Encoding: chunked\r\n\r\n"),
        Arguments.of("Host in the trailers", "3\r\nabc\r\n0\r\nHost: ws-other.localhost\r\n\r\n"),
        Arguments.of("folded trailer", "3\r\nabc\r\n0\r\nX-A: a\r\n b\r\n\r\n"),
        Arguments.of("trailer without a colon", "3\r\nabc\r\n0\r\nX-A a\r\n\r\n"),
        Arguments.of("bare LF in the trailers", "3\r\nabc\r\n0\r\nX-A: a\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenBodies")
  void brokenBodySentWithItsHeadNeverReachesTheWorkspace(String name, String body) throws Exception {
    int before = backend.requests();
    String reply = RawHttp.exchange(gateway.port(), HEAD + body, 30_000);
    assertThat(reply).as(name).startsWith("HTTP/1.1 400");
    assertThat(reply.toLowerCase()).as(name).contains("connection: close");
    assertThat(backend.requests()).as(name + ": requests that reached the workspace").isEqualTo(before);
    assertNothingBlamedOnTheWorkspace(name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenBodies")
  void bodyBreakingAfterTheWorkspaceGotTheRequestIsResetAtOnce(String name, String body) throws Exception {
    int requests = backend.requests("/upload");
    int aborted = backend.abortedUploads();
    int completed = backend.completedUploads();
    double badRequests = counted("bad_request");
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      s.setSoTimeout(30_000);
      // a well-formed start, which the gateway forwards: the workspace has the request and waits for its body
      send(s, HEAD + "2\r\nok\r\n");
      Eventually.await(vertx, PROMPTLY, "the workspace has the request", () -> backend.requests("/upload") > requests);
      send(s, body);
      String reply = readToClose(s);
      assertThat(reply).as(name).startsWith("HTTP/1.1 400");
      assertThat(reply.toLowerCase()).as(name).contains("connection: close");
    }
    Eventually.await(vertx, PROMPTLY, name + ": the workspace's request reset",
        () -> backend.abortedUploads() > aborted);
    assertThat(backend.completedUploads()).as(name + ": uploads the workspace saw complete").isEqualTo(completed);
    Eventually.await(vertx, PROMPTLY, name + ": counted as the client's bad request",
        () -> counted("bad_request") > badRequests);
    assertNothingBlamedOnTheWorkspace(name);
  }

  @org.junit.jupiter.api.Test
  void bodyShorterThanItsLengthThenHalfCloseGets400AndIsResetAtOnce() throws Exception {
    int requests = backend.requests("/upload");
    int aborted = backend.abortedUploads();
    double badRequests = counted("bad_request");
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      send(s, "POST /upload HTTP/1.1\r\nHost: ws-body.localhost\r\nContent-Length: 100\r\n\r\nonly ten b");
      Eventually.await(vertx, PROMPTLY, "the workspace has the request", () -> backend.requests("/upload") > requests);
      s.shutdownOutput(); // the client will send nothing more, 90 bytes short, and still reads
      s.setSoTimeout(30_000);
      String reply = readToClose(s);
      assertThat(reply).startsWith("HTTP/1.1 400");
      assertThat(reply.toLowerCase()).contains("connection: close").contains("before the request body was complete");
    }
    Eventually.await(vertx, PROMPTLY, "the workspace's request reset", () -> backend.abortedUploads() > aborted);
    Eventually.await(vertx, PROMPTLY, "counted as the client's bad request",
        () -> counted("bad_request") > badRequests);
    assertNothingBlamedOnTheWorkspace("short body");
  }

  /** Half-closure is the HTTP decoder's: an upgraded WebSocket whose client sends EOF is closed, not left open. */
  @org.junit.jupiter.api.Test
  void webSocketClientEofClosesTheConnection() throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      send(s, "GET /ws HTTP/1.1\r\nHost: ws-body.localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Origin: http://ws-body.localhost\r\n\r\n");
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      s.setSoTimeout(30_000);
      RawHttp.readInto(s, head, arrived -> arrived.contains("\r\n\r\n"));
      assertThat(head.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101");
      s.shutdownOutput();
      readToClose(s); // times out (fails) if the gateway keeps the socket open
    }
  }

  /** No upstream outcome counted, no warning or error logged, no probe of the workspace's readiness path. */
  private static void assertNothingBlamedOnTheWorkspace(String name) throws Exception {
    // a request after the failure, answered: anything the failure set off on the way is logged by now
    String after = RawHttp.exchange(gateway.port(), "GET /echo HTTP/1.1\r\nHost: ws-body.localhost\r\n"
        + "Connection: close\r\n\r\n", 30_000);
    assertThat(after).as(name + ": the workspace still serves").startsWith("HTTP/1.1 200");
    List<String> problems = logs.all().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    assertThat(problems).as(name + ": warnings and errors logged").isEmpty();
    for (String outcome : List.of("upstream_reset", "upstream_timeout", "upstream_refused", "internal")) {
      assertThat(counted(outcome)).as(name + ": requests counted as " + outcome).isZero();
    }
    assertThat(backend.requests("/healthz")).as(name + ": readiness probes").isEqualTo(probesAtStart);
  }

  private static double counted(String outcome) {
    return registry.find(Meters.REQUESTS).tag("outcome", outcome).counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  private static void send(Socket s, String bytes) throws Exception {
    s.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** Everything until the gateway closes the connection. */
  private static String readToClose(Socket s) throws Exception {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try {
      RawHttp.readInto(s, got, arrived -> false);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the gateway did not close the connection; got: " + got, e);
    } catch (java.net.SocketException reset) {
      // a reset after the answer: what arrived is what counts
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }
}
