package io.wsgate.proxy.ws;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.wsgate.proxy.auth.Credentials;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.proxy.http.ForwardedHeaders;
import io.wsgate.proxy.http.HopByHop;
import io.wsgate.proxy.http.UpstreamErrors;
import io.wsgate.proxy.http.UpstreamFailureListener;
import io.wsgate.workspace.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Relays a WebSocket between a client and its workspace frame by frame, so every message is seen (the
 * activity tracker counts messages, not connections) while text, binary, fragmentation, ping/pong and
 * close codes pass unchanged. The workspace connection is made first: if it refuses the upgrade, the
 * client gets that status instead of a 101 followed by a close. Back-pressure: a side whose peer's write
 * queue is full is paused until the peer drains.
 */
public final class WebSocketRelay {

  private static final Logger log = LoggerFactory.getLogger(WebSocketRelay.class);

  /** Keeps idle sockets open through load balancers (the ALB drops a connection silent for 60 s). */
  static final long KEEPALIVE_MS = 30_000;
  private static final Buffer KEEPALIVE = Buffer.buffer("wsgate");

  private final Vertx vertx;
  private final WebSocketClient client;
  private final long connectTimeoutMs;
  private final UpstreamFailureListener failures;

  public WebSocketRelay(Vertx vertx, WebSocketClient client, long connectTimeoutMs, UpstreamFailureListener failures) {
    this.vertx = vertx;
    this.client = client;
    this.connectTimeoutMs = connectTimeoutMs;
    this.failures = failures;
  }

  public void relay(HttpServerRequest req, Route route) {
    // The WebSocket client connects to host:port (it ignores a separate server address), so those name the
    // workspace's endpoint and the client's own Host header is passed as a header, unchanged.
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(route.endpoint().host())
        .setPort(route.endpoint().port())
        .setURI(Credentials.withoutToken(req.uri()))
        .setAllowOriginHeader(false)
        .setTimeout(connectTimeoutMs)
        .setConnectTimeout(connectTimeoutMs);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (var h : req.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!HopByHop.isHopByHop(name) && !name.equals("host") && !name.startsWith("sec-websocket-")) {
        headers.add(h.getKey(), h.getValue());
      }
    }
    HopByHop.strip(headers);
    ForwardedHeaders.apply(req, headers);
    Credentials.stripSessionCookie(headers);
    headers.set("host", req.getHeader("host"));
    options.setHeaders(headers);
    String protocols = req.getHeader("sec-websocket-protocol");
    if (protocols != null) {
      List<String> list = new ArrayList<>();
      for (String p : protocols.split(",")) {
        if (!p.isBlank()) {
          list.add(p.trim());
        }
      }
      options.setSubProtocols(list);
    }
    req.pause();
    client.connect(options).onComplete(ar -> {
      if (ar.failed()) {
        req.resume();
        rejected(req, route, ar.cause());
        return;
      }
      WebSocket upstream = ar.result();
      req.toWebSocket().onComplete(up -> {
        if (up.failed()) {
          upstream.close((short) 1001, "client upgrade failed");
          return;
        }
        join(up.result(), upstream);
      });
    });
  }

  private void rejected(HttpServerRequest req, Route route, Throwable err) {
    if (err instanceof UpgradeRejectedException rejected) {
      // the workspace answered, it just said no: pass its answer on
      req.response().setStatusCode(rejected.getStatus());
      if (rejected.getHeaders() != null) {
        rejected.getHeaders().forEach(h -> {
          if (!HopByHop.isHopByHop(h.getKey().toLowerCase(Locale.ROOT))) {
            req.response().headers().add(h.getKey(), h.getValue());
          }
        });
      }
      req.response().end(rejected.getBody() == null ? Buffer.buffer() : rejected.getBody());
      return;
    }
    GatewayError kind = UpstreamErrors.classify(err);
    log.warn("workspace {}: websocket {} -> {} ({}: {})", route.id(), req.path(), kind.tag(), route.endpoint(),
        err.toString());
    failures.failed(route, kind, err);
    ErrorResponses.send(req, kind, UpstreamErrors.detail(kind), 0);
  }

  private void join(ServerWebSocket client, WebSocket upstream) {
    pipeFrames(client, upstream);
    pipeFrames(upstream, client);
    long keepalive = vertx.setPeriodic(KEEPALIVE_MS, t -> client.writePing(KEEPALIVE));
    client.closeHandler(v -> {
      vertx.cancelTimer(keepalive);
      closePeer(client, upstream);
    });
    upstream.closeHandler(v -> {
      vertx.cancelTimer(keepalive);
      closePeer(upstream, client);
    });
    client.exceptionHandler(err -> log.debug("client websocket: {}", err.toString()));
    upstream.exceptionHandler(err -> log.debug("workspace websocket: {}", err.toString()));
  }

  private static void pipeFrames(WebSocketBase from, WebSocketBase to) {
    from.frameHandler(frame -> {
      if (frame.isClose()) {
        return; // the close handshake is relayed by closePeer with the same code and reason
      }
      if (frame.type() == WebSocketFrameType.PONG && from instanceof ServerWebSocket
          && KEEPALIVE.equals(frame.binaryData())) {
        return; // the answer to our own keepalive
      }
      to.writeFrame(frame);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> from.resume());
      }
    });
  }

  private static void closePeer(WebSocketBase closed, WebSocketBase peer) {
    if (peer.isClosed()) {
      return;
    }
    Short code = closed.closeStatusCode();
    if (code == null || code == 1005 || code == 1006 || code == 1015) {
      // the other side vanished without a close frame: tell the peer in a way it can log
      peer.close((short) 1001, closed instanceof ServerWebSocket ? "client went away" : "workspace went away");
    } else {
      peer.close(code, closed.closeReason());
    }
  }

  /** Whether a frame type counts as a message for activity (pings, pongs and closes do not). */
  public static boolean isDataFrame(WebSocketFrame frame) {
    return frame.isText() || frame.isBinary() || frame.isContinuation();
  }
}
