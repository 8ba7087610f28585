package io.wsgate.proxy;

import ch.qos.logback.classic.Level;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.wsgate.proxy.ws.WsFrames;
import io.wsgate.testing.Eventually;
import io.wsgate.testing.FixedEndpointProvider;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.Endpoint;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.wsgate.proxy.ws.WsFrames.concat;
import static io.wsgate.proxy.ws.WsFrames.frame;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relayed WebSocket is a byte tunnel: a client's masked frames reach the workspace byte for byte (never unmasked
 * and re-masked) and the workspace's frames reach the client byte for byte, whatever the lengths' encodings and
 * however the bytes are cut into reads, with control frames inside fragmented messages. The gateway still refuses
 * what the frame relay refused: a frame masked the wrong way for its direction (1002), an oversized message (1009),
 * a workspace that negotiates an extension nobody offered; the answer to its own keepalive never reaches the
 * workspace, and a workspace that vanishes is reported to the client with 1001. Raw sockets on both ends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebSocketTunnelTest {

  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final int MAX = 100 * 1024;

  @TempDir
  static Path tmp;
  @TempDir
  static Path tmp2;
  static GatewayFixture f;
  static RawWorkspace workspace;
  static Gateway gateway;
  static LogCapture logs;

  @BeforeAll
  static void start() {
    logs = LogCapture.root();
    f = new GatewayFixture(tmp);
    workspace = new RawWorkspace(f);
    gateway = f.start(TestConfigs.of(tmp2, "WSGATE_WEBSOCKET_MAX_MESSAGE", "100KiB"),
        new FixedEndpointProvider(new Endpoint("127.0.0.1", workspace.port())));
  }

  @AfterAll
  static void stop() {
    logs.close();
    try {
      gateway.stop(false).await();
    } finally {
      f.close();
    }
  }

  @Test
  void clientFramesReachTheWorkspaceByteForByte() throws Exception {
    byte[] big = new byte[70_000];
    new Random(1).nextBytes(big);
    byte[] keepalivePong = frame(true, WsFrames.PONG, true, "wsgate".getBytes(StandardCharsets.US_ASCII));
    byte[] relayed = concat(
        frame(true, WsFrames.TEXT, true, "hello".getBytes(StandardCharsets.UTF_8)),
        frame(true, WsFrames.BINARY, true, 300),
        frame(true, 0, WsFrames.BINARY, true, big, -1),
        frame(false, WsFrames.TEXT, true, 3),
        frame(true, WsFrames.PING, true, 4),
        frame(true, WsFrames.CONTINUATION, true, 200),
        frame(true, WsFrames.PONG, true, "other".getBytes(StandardCharsets.US_ASCII)));
    byte[] last = frame(true, WsFrames.TEXT, true, "end".getBytes(StandardCharsets.UTF_8));
    try (Socket s = open("bytes", "/record/bytes")) {
      OutputStream out = s.getOutputStream();
      // the first frames a byte per write: headers cut across the gateway's reads
      for (int i = 0; i < 200; i++) {
        out.write(relayed[i]);
        out.flush();
      }
      out.write(relayed, 200, relayed.length - 200);
      out.write(keepalivePong); // the answer to the gateway's own ping: not the workspace's business
      out.write(last);
      out.flush();
      byte[] expected = concat(relayed, last);
      Eventually.await(f.vertx, Duration.ofSeconds(60), "the workspace received every relayed byte",
          () -> workspace.received("/record/bytes").length() >= expected.length);
      assertThat(workspace.received("/record/bytes").getBytes()).isEqualTo(expected);
    }
  }

  @Test
  void workspaceFramesReachTheClientByteForByte() throws Exception {
    try (Socket s = open("send", "/send")) {
      byte[] got = readToEnd(s);
      assertThat(got).isEqualTo(RawWorkspace.SENT);
    }
  }

  @Test
  void framesInTheSamePacketAsThe101ReachTheClient() throws Exception {
    try (Socket s = open("eager", "/send-with-head")) {
      assertThat(readToEnd(s)).isEqualTo(RawWorkspace.SENT);
    }
  }

  @Test
  void unmaskedFrameFromTheClientIsRefusedWith1002() throws Exception {
    try (Socket s = open("unmasked", "/record/unmasked")) {
      s.getOutputStream().write(concat(frame(true, WsFrames.TEXT, true, 4), frame(true, WsFrames.TEXT, false, 4)));
      byte[] got = readToEnd(s);
      assertThat(got[0] & 0xff).as("a close frame, nothing else").isEqualTo(0x88);
      assertThat(closeCode(got, false)).isEqualTo(1002);
      byte[] seen = awaitClose("/record/unmasked", frame(true, WsFrames.TEXT, true, 4).length);
      assertThat(Arrays.copyOf(seen, 10)).as("the frame before the bad one passed")
          .isEqualTo(frame(true, WsFrames.TEXT, true, 4));
      assertThat(closeCode(Arrays.copyOfRange(seen, 10, seen.length), true)).isEqualTo(1001);
    }
  }

  @Test
  void maskedFrameFromTheWorkspaceNeverReachesTheClient() throws Exception {
    try (Socket s = open("masked", "/masked")) {
      byte[] got = readToEnd(s);
      assertThat(got[0] & 0xff).as("a close frame, no data").isEqualTo(0x88);
      assertThat(closeCode(got, false)).isEqualTo(1001);
      byte[] seen = awaitClose("/masked", 0);
      assertThat(closeCode(seen, true)).as("the workspace is told why").isEqualTo(1002);
    }
  }

  @Test
  void oversizedFragmentedMessageIsRefusedWith1009() throws Exception {
    try (Socket s = open("big", "/record/big")) {
      byte[] first = frame(false, WsFrames.BINARY, true, 60 * 1024);
      s.getOutputStream().write(concat(first, frame(true, WsFrames.CONTINUATION, true, 60 * 1024)));
      byte[] got = readToEnd(s);
      assertThat(got[0] & 0xff).isEqualTo(0x88);
      assertThat(closeCode(got, false)).isEqualTo(1009);
      byte[] seen = awaitClose("/record/big", first.length);
      assertThat(Arrays.copyOf(seen, first.length)).as("the first fragment had gone on").isEqualTo(first);
    }
  }

  /**
   * After refusing a client, the gateway shuts its side down (the client reads the close frame, then the end) and
   * drops what the client still sends, for a while: a client that never stops is cut off.
   */
  @Test
  void aClientThatGoesOnSendingAfterItsRefusalIsCutOff() throws Exception {
    try (Socket s = open("talker", "/record/talker")) {
      s.getOutputStream().write(frame(true, WsFrames.TEXT, false, 4)); // unmasked: refused with 1002
      byte[] got = readToEnd(s);
      assertThat(closeCode(got, false)).isEqualTo(1002);
      // 1 KiB a millisecond until a write fails: the gateway drops it all, then cuts the client off (Tunnel.LINGER_MS)
      CompletableFuture<IOException> cutOff = new CompletableFuture<>();
      ScheduledExecutorService talker = Executors.newSingleThreadScheduledExecutor();
      try {
        talker.scheduleAtFixedRate(() -> {
          try {
            s.getOutputStream().write(new byte[1024]);
          } catch (IOException e) {
            cutOff.complete(e);
            throw new IllegalStateException("cut off", e); // ends the schedule
          }
        }, 0, 1, TimeUnit.MILLISECONDS);
        assertThat(cutOff.get(60, TimeUnit.SECONDS)).hasMessageMatching("(?i).*(reset|broken pipe).*");
      } finally {
        talker.shutdownNow();
      }
    }
  }

  @Test
  void extensionTheClientDidNotGetIsRefused() throws Exception {
    String reply = RawHttp.exchange(gateway.port(), head("deflate", "/deflate"), 30_000);
    assertThat(reply).startsWith("HTTP/1.1 502");
    assertThat(reply.toLowerCase(Locale.ROOT)).doesNotContain("sec-websocket-extensions");
  }

  @Test
  void workspaceRefusingTheUpgradeIsPassedOn() throws Exception {
    String reply = RawHttp.exchange(gateway.port(), head("refuse", "/refuse"), 30_000);
    assertThat(reply).startsWith("HTTP/1.1 403");
    assertThat(reply.toLowerCase(Locale.ROOT)).contains("x-why: test");
    assertThat(reply).endsWith("\r\n\r\nnope");
  }

  @Test
  void aChunkedRefusalIsPassedOnWhole() throws Exception {
    String reply = RawHttp.exchange(gateway.port(), head("refusechunks", "/refuse-chunked"), 30_000);
    assertThat(reply).startsWith("HTTP/1.1 401");
    assertThat(reply.toLowerCase(Locale.ROOT)).contains("x-why: chunks").doesNotContain("transfer-encoding");
    assertThat(reply).endsWith("\r\n\r\nnot you");
  }

  @Test
  void anAnswerThatIsNotHttpGives502() throws Exception {
    String reply = RawHttp.exchange(gateway.port(), head("garbage", "/garbage"), 30_000);
    assertThat(reply).startsWith("HTTP/1.1 502");
    assertThat(reply).doesNotContain("SSH-2.0");
  }

  @Test
  void aWorkspaceThatNeverAnswersTheUpgradeGives504() throws Exception {
    String reply = RawHttp.exchange(gateway.port(), head("silent", "/silent"), 60_000);
    assertThat(reply).startsWith("HTTP/1.1 504");
  }

  @Test
  void upgradeWithoutAKeyOrOfAnotherVersionNeverReachesTheWorkspace() throws Exception {
    String noKey = head("nokey", "/nokey").replace("Sec-WebSocket-Key: " + KEY + "\r\n", "");
    assertThat(RawHttp.exchange(gateway.port(), noKey, 30_000)).startsWith("HTTP/1.1 400");
    String v8 = head("v8", "/v8").replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");
    String reply = RawHttp.exchange(gateway.port(), v8, 30_000);
    assertThat(reply).startsWith("HTTP/1.1 400");
    assertThat(reply.toLowerCase(Locale.ROOT)).contains("sec-websocket-version: 13");
    assertThat(workspace.received.keySet()).doesNotContain("/nokey", "/v8");
  }

  @Test
  void workspaceThatVanishesIsReportedWith1001() throws Exception {
    try (Socket s = open("vanish", "/vanish")) {
      byte[] got = readToEnd(s);
      assertThat(got[0] & 0xff).isEqualTo(0x88);
      assertThat(closeCode(got, false)).isEqualTo(1001);
      assertThat(new String(got, 4, got.length - 4, StandardCharsets.UTF_8)).isEqualTo("workspace went away");
    }
  }

  private static String head(String id, String path) {
    String host = "ws-" + id + ".localhost:" + gateway.port();
    return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://" + host
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + KEY
        + "\r\n\r\n";
  }

  @Test
  void aWebSocketThatClosesLogsNoError() throws Exception {
    int seen = logs.size();
    try (Socket s = open("quiet", "/send")) {
      assertThat(readToEnd(s)).isEqualTo(RawWorkspace.SENT);
    }
    Eventually.await(f.vertx, Duration.ofSeconds(60), "the tunnel is gone",
        () -> gateway.webSockets().openSockets(new WorkspaceId("quiet")) == 0);
    List<String> errors = logs.since(seen).stream().filter(e -> e.getLevel() == Level.ERROR)
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    assertThat(errors).as("ERROR lines while a WebSocket opened and closed normally").isEmpty();
  }

  @Test
  void aClientThatLeavesBeforeTheWorkspaces101LeavesNothingOpen() throws Exception {
    int seen = logs.size();
    assertThat(RawHttp.exchange(gateway.port(), "GET / HTTP/1.1\r\nHost: ws-late.localhost\r\n"
        + "Connection: close\r\n\r\n", 60_000)).startsWith("HTTP/1.1 200");
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
      s.getOutputStream().write(head("late", "/late").getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      Eventually.await(f.vertx, Duration.ofSeconds(60), "the workspace holds the upgrade", workspace::holdsLate);
    }
    // the client is gone; now the workspace says yes
    workspace.answerLate();
    Eventually.await(f.vertx, Duration.ofSeconds(60), "the gateway closed the workspace's connection",
        workspace::lateClosed);
    byte[] got = workspace.received("/late").getBytes();
    assertThat(got.length).as("bytes the workspace got after its 101 (a masked close frame has 8 or more)")
        .isGreaterThanOrEqualTo(8);
    assertThat(closeCode(got, true)).as("the close the workspace got").isEqualTo(1001);
    Eventually.await(f.vertx, Duration.ofSeconds(60), "no tunnel is left",
        () -> gateway.webSockets().openSockets(new WorkspaceId("late")) == 0);
    List<String> errors = logs.since(seen).stream().filter(e -> e.getLevel() == Level.ERROR)
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    assertThat(errors).as("ERROR lines for a client that left during its upgrade").isEmpty();
  }

  @Test
  void aClientThatStopsReadingStopsTheWorkspaceAndLosesNothing() throws Exception {
    try (Socket s = open("flood", "/flood")) {
      // the client reads nothing: once the buffers between them are full, the gateway must stop reading from the
      // workspace rather than hold what it sends
      Eventually.await(f.vertx, Duration.ofSeconds(60), "the workspace waited a second for its socket to drain",
          () -> workspace.floodDone() || workspace.floodStalledFor(Duration.ofSeconds(1)));
      assertThat(workspace.floodDone()).as("the workspace sent all %d MiB to a client that read nothing",
          RawWorkspace.FLOOD_TOTAL >> 20).isFalse();
      assertThat(workspace.flooded()).as("bytes the workspace got out before it had to wait")
          .isLessThan(32L << 20);
      // the client reads again: the workspace goes on, and every byte arrives, in order, ending with its close
      byte[] got = s.getInputStream().readNBytes(RawWorkspace.FLOOD_BYTES);
      assertThat(got.length).isEqualTo(RawWorkspace.FLOOD_BYTES);
      assertThat(workspace.floodDone()).isTrue();
      for (int at = 0; at < RawWorkspace.FLOOD_TOTAL; at += RawWorkspace.FLOOD_FRAME.length) {
        assertThat(Arrays.equals(got, at, at + 4, RawWorkspace.FLOOD_FRAME, 0, 4)).as("a frame header at %d", at)
            .isTrue();
      }
      assertThat(Arrays.copyOfRange(got, RawWorkspace.FLOOD_TOTAL, got.length)).isEqualTo(RawWorkspace.FLOOD_CLOSE);
    }
  }

  /** A client socket past its 101. The workspace is launched by a plain request first. */
  private static Socket open(String id, String path) throws Exception {
    assertThat(RawHttp.exchange(gateway.port(), "GET / HTTP/1.1\r\nHost: ws-" + id + ".localhost\r\n"
        + "Connection: close\r\n\r\n", 60_000)).startsWith("HTTP/1.1 200");
    Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port());
    s.setSoTimeout(60_000);
    s.setTcpNoDelay(true);
    s.getOutputStream().write(head(id, path).getBytes(StandardCharsets.ISO_8859_1));
    InputStream in = s.getInputStream();
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    while (!h.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      assertThat(c).as("the head of the answer").isNotNegative();
      h.write(c);
    }
    String answer = h.toString(StandardCharsets.ISO_8859_1);
    assertThat(answer).startsWith("HTTP/1.1 101");
    assertThat(answer).contains("sec-websocket-accept: " + accept(KEY));
    return s;
  }

  private static byte[] readToEnd(Socket s) throws Exception {
    return s.getInputStream().readAllBytes();
  }

  /** What the workspace received on {@code path} once it ends with a close frame after {@code before} bytes. */
  private static byte[] awaitClose(String path, int before) {
    Eventually.await(f.vertx, Duration.ofSeconds(60), "a close frame reached the workspace",
        () -> workspace.received(path).length() > before + 6);
    return workspace.received(path).getBytes();
  }

  /** The code of the close frame at the start of {@code b}. */
  private static int closeCode(byte[] b, boolean masked) {
    assertThat(b[0] & 0xff).as("a close frame").isEqualTo(0x88);
    if (!masked) {
      return ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }
    return (((b[6] ^ b[2]) & 0xff) << 8) | ((b[7] ^ b[3]) & 0xff);
  }

  static String accept(String key) throws Exception {
    byte[] sha1 = MessageDigest.getInstance("SHA-1")
        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
    return Base64.getEncoder().encodeToString(sha1);
  }

  /**
   * A workspace speaking raw WebSocket bytes: answers plain requests with 200, accepts upgrades on any path and then,
   * by path: records what it receives ({@code /record/...}), sends {@link #SENT} and hangs up ({@code /send}), sends a
   * masked frame ({@code /masked}), hangs up at once ({@code /vanish}), or answers with an extension
   * ({@code /deflate}), or refuses the upgrade with 403 ({@code /refuse}) or with a chunked 401
   * ({@code /refuse-chunked}), or never answers ({@code /silent}), or answers with something else than HTTP
   * ({@code /garbage}); {@code /send-with-head} sends {@link #SENT} in
   * the same write as its 101.
   */
  static final class RawWorkspace {
    static final byte[] SENT;

    static {
      byte[] big = new byte[70_000];
      new Random(2).nextBytes(big);
      SENT = concat(frame(true, WsFrames.TEXT, false, 10), frame(true, WsFrames.BINARY, false, 500),
          frame(true, 0, WsFrames.BINARY, false, big, -1), frame(false, WsFrames.TEXT, false, 5),
          frame(true, WsFrames.PING, false, 3), frame(true, WsFrames.CONTINUATION, false, 7),
          frame(true, WsFrames.CLOSE, false, new byte[] {0x0f, (byte) 0xa5, 'd', 'o', 'n', 'e'}));
    }

    /** {@code /flood}: binary frames of 60,000 bytes, 128 MiB of them, as fast as its socket takes them. */
    static final byte[] FLOOD_FRAME = frame(true, WsFrames.BINARY, false, 60_000);
    static final int FLOOD_TOTAL = (128 << 20) / FLOOD_FRAME.length * FLOOD_FRAME.length;
    static final byte[] FLOOD_CLOSE = frame(true, WsFrames.CLOSE, false, new byte[] {0x03, (byte) 0xe8});
    static final int FLOOD_BYTES = FLOOD_TOTAL + FLOOD_CLOSE.length;

    private final NetServer server;
    private final Map<String, Buffer> received = new ConcurrentHashMap<>();
    private final AtomicLong flooded = new AtomicLong();
    private volatile long floodStalledSince;
    private volatile boolean floodDone;
    /** {@code /late}: the upgrade held unanswered until {@link #answerLate}; whether its connection has closed. */
    private volatile Runnable lateAnswer;
    private volatile boolean lateClosed;

    RawWorkspace(GatewayFixture f) {
      server = f.vertx.createNetServer().connectHandler(this::accept);
      server.listen(0, "127.0.0.1").await();
    }

    int port() {
      return server.actualPort();
    }

    long flooded() {
      return flooded.get();
    }

    boolean floodDone() {
      return floodDone;
    }

    /** Whether {@code /flood} has waited at least {@code d} for its socket to drain. */
    boolean floodStalledFor(Duration d) {
      long since = floodStalledSince;
      return since != 0 && System.nanoTime() - since >= d.toNanos();
    }

    /** Writes flood frames until the socket's queue is full, then goes on when it drains. */
    private void flood(NetSocket so) {
      floodStalledSince = 0;
      Buffer frame = Buffer.buffer(FLOOD_FRAME);
      while (!so.writeQueueFull()) {
        if (flooded.get() == FLOOD_TOTAL) {
          floodDone = true;
          so.write(Buffer.buffer(FLOOD_CLOSE));
          return;
        }
        so.write(frame);
        flooded.addAndGet(frame.length());
      }
      floodStalledSince = System.nanoTime();
      so.drainHandler(v -> flood(so));
    }

    boolean holdsLate() {
      return lateAnswer != null;
    }

    void answerLate() {
      lateAnswer.run();
    }

    boolean lateClosed() {
      return lateClosed;
    }

    Buffer received(String path) {
      Buffer b = received.get(path);
      synchronized (this) {
        return b == null ? Buffer.buffer() : b.copy();
      }
    }

    private void accept(NetSocket so) {
      Buffer[] head = {Buffer.buffer()};
      String[] upgraded = {null};
      so.handler(chunk -> {
        if (upgraded[0] != null) {
          synchronized (this) {
            received.get(upgraded[0]).appendBuffer(chunk);
          }
          return;
        }
        head[0].appendBuffer(chunk);
        String h = head[0].toString(StandardCharsets.ISO_8859_1);
        int end = h.indexOf("\r\n\r\n");
        if (end < 0) {
          return;
        }
        String lower = h.substring(0, end).toLowerCase(Locale.ROOT);
        if (!lower.contains("\r\nupgrade: websocket")) {
          head[0] = Buffer.buffer();
          so.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
          return;
        }
        String path = h.substring(h.indexOf(' ') + 1, h.indexOf(' ', h.indexOf(' ') + 1));
        int k = lower.indexOf("\r\nsec-websocket-key:");
        String key = h.substring(k + 20, h.indexOf("\r\n", k + 2)).trim();
        upgraded[0] = path;
        synchronized (this) {
          received.put(path, head[0].getBuffer(end + 4, head[0].length()));
        }
        if (path.equals("/garbage")) {
          so.write("SSH-2.0-OpenSSH_9.2\r\nx: y\r\n\r\n");
          return;
        }
        if (path.equals("/silent")) {
          return; // reads the upgrade and never answers
        }
        if (path.equals("/refuse-chunked")) {
          upgraded[0] = null;
          head[0] = Buffer.buffer();
          so.write("HTTP/1.1 401 Unauthorized\r\nx-why: chunks\r\ntransfer-encoding: chunked\r\n\r\n"
              + "4\r\nnot \r\n3;ext=1\r\nyou\r\n0\r\n\r\n");
          return;
        }
        if (path.equals("/refuse")) {
          upgraded[0] = null;
          head[0] = Buffer.buffer();
          so.write("HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nx-why: test\r\ncontent-length: 4\r\n\r\nnope");
          return;
        }
        String extra = path.equals("/deflate") ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "";
        String answer;
        try {
          answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Accept: " + WebSocketTunnelTest.accept(key) + "\r\n" + extra + "\r\n";
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        if (path.equals("/send-with-head")) {
          // the frames in the same write as the head: they reach the gateway with it
          so.write(Buffer.buffer(answer).appendBytes(SENT)).onComplete(v -> so.close());
          return;
        }
        if (path.equals("/late")) {
          so.closeHandler(v -> lateClosed = true);
          lateAnswer = () -> so.write(answer);
          return;
        }
        so.write(answer);
        switch (path) {
          case "/send" -> so.write(Buffer.buffer(SENT)).onComplete(v -> so.close());
          case "/masked" -> so.write(Buffer.buffer(frame(true, WsFrames.TEXT, true, 4)));
          case "/vanish" -> so.close();
          case "/flood" -> flood(so);
          default -> {
          }
        }
      });
    }
  }
}
