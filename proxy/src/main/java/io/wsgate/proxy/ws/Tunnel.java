package io.wsgate.proxy.ws;

import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.wsgate.activity.WebSocketActivity;
import io.wsgate.metrics.Meters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One relayed WebSocket after its 101: the client's and the workspace's TCP connections joined byte for byte, one
 * {@link FrameScanner} per direction counting messages for activity and enforcing the protocol. Frames the gateway
 * sends itself (keepalive pings, closes) go out only at a frame boundary of their direction.
 *
 * <p>Closing follows RFC 6455 section 7: close frames pass through unchanged, and the client's connection is closed
 * once a close went each way on it. A side that vanishes without a close frame is reported to the other with 1001.
 * Once a close frame went toward a side, nothing more is sent to it. Lives on the event loop of both connections.
 */
final class Tunnel {

  private static final Logger log = LoggerFactory.getLogger(Tunnel.class);
  /** How long a close handshake the gateway started may take before the connections are closed anyway. */
  static final long CLOSING_TIMEOUT_MS = 10_000;
  /** How long a client whose connection the gateway closes may go on sending (dropped) before it is cut off. */
  static final long LINGER_MS = 5_000;

  private final Vertx vertx;
  private final NetSocket client;
  private final NetSocket upstream;
  private final WebSocketActivity counted;
  private final Meters meters;
  private final byte[] keepalive;
  final FrameScanner fromClient;
  final FrameScanner fromWorkspace;
  private final Promise<Void> closed = Promise.promise();
  private boolean closeToClient;
  private boolean closeFromClient;
  private boolean closeToWorkspace;
  /** A close the gateway wants to send the client once the workspace's frame under way has passed. */
  private Buffer pendingClose;
  private long closingTimer = -1;
  /** The write of the close frame to the client, once sent: the client's output is shut down after it. */
  private Future<Void> closeFrameToClient;
  private boolean clientClosing;
  private Runnable onClosed;

  Tunnel(Vertx vertx, NetSocket client, NetSocket upstream, WebSocketActivity counted, Meters meters,
         long maxMessage, byte[] keepalive) {
    this.vertx = vertx;
    this.client = client;
    this.upstream = upstream;
    this.counted = counted;
    this.meters = meters;
    this.keepalive = keepalive;
    this.fromClient = new FrameScanner(true, maxMessage, new FromClient());
    this.fromWorkspace = new FrameScanner(false, maxMessage, new FromWorkspace());
  }

  /**
   * Starts relaying, {@code early} first (what the workspace sent right after its 101, possibly nothing);
   * {@code onClosed} runs once, when the client's connection has closed.
   */
  void start(Buffer early, Runnable onClosed) {
    this.onClosed = onClosed;
    client.handler(fromClient::scan);
    upstream.handler(this::workspaceSent);
    // back-pressure: a side whose peer cannot take more is paused until the peer drains
    client.drainHandler(v -> upstream.resume());
    upstream.drainHandler(v -> client.resume());
    client.closeHandler(v -> clientGone());
    upstream.closeHandler(v -> workspaceGone());
    client.exceptionHandler(err -> log.debug("client websocket: {}", err.toString()));
    upstream.exceptionHandler(err -> log.debug("workspace websocket: {}", err.toString()));
    if (early.length() > 0) {
      workspaceSent(early);
    }
  }

  private void workspaceSent(Buffer chunk) {
    fromWorkspace.scan(chunk);
    if (pendingClose != null && fromWorkspace.atBoundary()) {
      Buffer close = pendingClose;
      pendingClose = null;
      sendClient(close);
    }
  }

  /** Completes when the client's connection has closed. */
  Future<Void> closed() {
    return closed.future();
  }

  boolean isClosed() {
    return closed.future().isComplete();
  }

  /** Sends the client a keepalive ping if the workspace is not in the middle of a frame to it. */
  void ping() {
    if (!closeToClient && pendingClose == null && fromWorkspace.atBoundary()) {
      client.write(frame(FrameScanner.OP_PING, keepalive, false));
    }
  }

  /**
   * Closes the socket from the gateway's side: {@code code} and {@code reason} to the client (after the workspace's
   * frame under way, if any) and to the workspace; completes when the client's connection has closed.
   */
  Future<Void> close(short code, String reason) {
    if (!isClosed()) {
      Buffer toClient = closeFrame(code, reason, false);
      if (fromWorkspace.atBoundary()) {
        sendClient(toClient);
      } else {
        pendingClose = toClient;
      }
      sendWorkspace(closeFrame(code, reason, true));
      if (closingTimer < 0) {
        closingTimer = vertx.setTimer(CLOSING_TIMEOUT_MS, t -> {
          client.close();
          upstream.close();
        });
      }
    }
    return closed();
  }

  private void sendClient(Buffer closeFrame) {
    if (closeToClient) {
      return;
    }
    closeToClient = true;
    fromWorkspace.stop(); // nothing after a close
    closeFrameToClient = client.write(closeFrame);
    if (closeFromClient) {
      client.close();
    }
  }

  /**
   * Closes the client's connection without losing what went to it (nginx calls this a lingering close): the
   * gateway's side is shut down once the close frame is written (the client reads the frame, then the end of the
   * stream), and what the client still sends is read and dropped until it closes its side, for {@link #LINGER_MS}
   * at most. Closing with the client's bytes unread would reset the connection instead, and a reset can destroy the
   * close frame before the client reads it.
   */
  private void closeClient() {
    if (clientClosing) {
      return;
    }
    clientClosing = true;
    fromClient.stop();
    Future<Void> written = closeFrameToClient == null ? Future.succeededFuture() : closeFrameToClient;
    written.onComplete(ar -> {
      if (client instanceof NetSocketInternal internal
          && internal.channelHandlerContext().channel() instanceof DuplexChannel duplex && duplex.isActive()) {
        client.resume(); // read on (a paused client would never see its own close), dropping what comes
        duplex.shutdownOutput();
        long timer = vertx.setTimer(LINGER_MS, t -> client.close());
        client.closeHandler(v -> {
          vertx.cancelTimer(timer);
          clientGone();
        });
      } else {
        client.close();
      }
    });
  }

  private void sendWorkspace(Buffer closeFrame) {
    if (closeToWorkspace || !fromClient.atBoundary()) {
      return;
    }
    closeToWorkspace = true;
    upstream.write(closeFrame);
  }

  private void clientGone() {
    if (closingTimer >= 0) {
      vertx.cancelTimer(closingTimer);
    }
    fromClient.stop();
    if (!closeToWorkspace && fromClient.atBoundary()) {
      closeToWorkspace = true;
      upstream.write(closeFrame((short) 1001, "client went away", true));
    }
    upstream.close();
    closed.tryComplete();
    onClosed.run();
  }

  private void workspaceGone() {
    fromWorkspace.stop();
    if (!closeToClient && fromWorkspace.atBoundary()) {
      closeToClient = true;
      closeFrameToClient = client.write(closeFrame((short) 1001, "workspace went away", false));
    }
    closeClient();
  }

  private void forward(NetSocket from, NetSocket to, Buffer bytes) {
    to.write(bytes);
    if (to.writeQueueFull()) {
      from.pause();
    }
  }

  private final class FromClient implements FrameScanner.Listener {
    @Override
    public void forward(Buffer bytes) {
      if (!closeToWorkspace) {
        Tunnel.this.forward(client, upstream, bytes);
      }
    }

    @Override
    public void dataFrame(long payloadLength, boolean fin) {
      int size = (int) payloadLength;
      counted.clientFrame(size, fin);
      meters.webSocketBytes(true, size);
    }

    @Override
    public void control(int opcode, Buffer frame) {
      if (opcode == FrameScanner.OP_PONG && isKeepalivePong(frame)) {
        return; // the answer to our own keepalive
      }
      if (opcode == FrameScanner.OP_CLOSE) {
        closeFromClient = true;
        if (closeToClient) {
          client.close(); // the client answered a close: its handshake is done
        }
        if (!closeToWorkspace) {
          closeToWorkspace = true;
          upstream.write(frame);
        }
        return;
      }
      meters.webSocketBytes(true, frame.length() - 6);
      forward(frame);
    }

    @Override
    public void violation(short closeCode, String reason) {
      log.debug("client broke the WebSocket protocol ({}): closing with {}", reason, closeCode);
      sendClient(closeFrame(closeCode, reason, false));
      closeClient();
      if (!closeToWorkspace) {
        closeToWorkspace = true;
        upstream.write(closeFrame((short) 1001, "client went away", true));
      }
      upstream.close();
    }
  }

  private final class FromWorkspace implements FrameScanner.Listener {
    @Override
    public void forward(Buffer bytes) {
      if (!closeToClient) {
        Tunnel.this.forward(upstream, client, bytes);
      }
    }

    @Override
    public void dataFrame(long payloadLength, boolean fin) {
      int size = (int) payloadLength;
      counted.workspaceFrame(size, fin);
      meters.webSocketBytes(false, size);
    }

    @Override
    public void control(int opcode, Buffer frame) {
      if (opcode == FrameScanner.OP_CLOSE) {
        sendClient(frame);
        return;
      }
      meters.webSocketBytes(false, frame.length() - 2);
      forward(frame);
    }

    @Override
    public void violation(short closeCode, String reason) {
      log.debug("workspace broke the WebSocket protocol ({}): closing with {}", reason, closeCode);
      if (!closeToWorkspace) {
        closeToWorkspace = true;
        upstream.write(closeFrame(closeCode, reason, true));
      }
      upstream.close();
      sendClient(closeFrame((short) 1001, "workspace went away", false));
      closeClient();
    }
  }

  /** A client's pong (masked) carrying exactly the keepalive payload. */
  private boolean isKeepalivePong(Buffer frame) {
    int length = frame.getByte(1) & 0x7f;
    if (length != keepalive.length || frame.length() != 6 + length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if ((byte) (frame.getByte(6 + i) ^ frame.getByte(2 + (i & 3))) != keepalive[i]) {
        return false;
      }
    }
    return true;
  }

  static Buffer closeFrame(short code, String reason, boolean masked) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(text.length, 123);
    byte[] payload = new byte[2 + n];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(text, 0, payload, 2, n);
    return frame(FrameScanner.OP_CLOSE, payload, masked);
  }

  /** A final control frame; {@code masked} for frames to the workspace (the gateway is its client). */
  static Buffer frame(int opcode, byte[] payload, boolean masked) {
    Buffer b = Buffer.buffer(2 + (masked ? 4 : 0) + payload.length);
    b.appendByte((byte) (0x80 | opcode));
    b.appendByte((byte) ((masked ? 0x80 : 0) | payload.length));
    if (!masked) {
      return b.appendBytes(payload);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    b.appendBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      b.appendByte((byte) (payload[i] ^ mask[i & 3]));
    }
    return b;
  }
}
