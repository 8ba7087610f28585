package io.wsgate.proxy.ws;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.wsgate.proxy.http.PerEventLoop;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.wsgate.metrics.Meters;
import io.wsgate.proxy.auth.Credentials;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.proxy.error.GatewayFailure;
import io.wsgate.proxy.http.ForwardedHeaders;
import io.wsgate.proxy.http.HopByHop;
import io.wsgate.proxy.http.UpstreamErrors;
import io.wsgate.proxy.http.UpstreamFailureListener;
import io.wsgate.activity.ActivityTracker;
import io.wsgate.activity.WebSocketActivity;
import io.wsgate.config.Profile;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
  private final PerEventLoop<WebSocketClient> clients;
  private final long connectTimeoutMs;
  private final UpstreamFailureListener failures;
  private final ActivityTracker activity;
  private final Function<String, Profile.ActivityPolicy> policies;
  private final Map<WorkspaceId, Set<ServerWebSocket>> open = new ConcurrentHashMap<>();
  private final Meters meters;
  private final Keepalives keepalives;
  private volatile boolean draining;
  /** Sockets a stopping gateway closes per second at the least: below this many, the drain needs no window. */
  static final int DRAIN_RATE_FLOOR = 100;

  public WebSocketRelay(Vertx vertx, PerEventLoop<WebSocketClient> clients, long connectTimeoutMs, UpstreamFailureListener failures,
                        ActivityTracker activity, Function<String, Profile.ActivityPolicy> policies, Meters meters) {
    this.meters = meters;
    this.vertx = vertx;
    this.keepalives = new Keepalives(vertx, KEEPALIVE_MS, KEEPALIVE);
    this.activity = activity;
    this.policies = policies;
    this.clients = clients;
    this.connectTimeoutMs = connectTimeoutMs;
    this.failures = failures;
  }

  public void relay(HttpServerRequest req, Route route) {
    if (draining) {
      ErrorResponses.send(req, GatewayFailure.of(GatewayError.DRAINING));
      return;
    }
    // The WebSocket client connects to host:port (it ignores a separate server address), so those name the
    // workspace's endpoint and the client's own Host header is passed as a header, unchanged.
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(route.endpoint().host())
        .setPort(route.endpoint().port())
        .setURI(Credentials.withoutToken(req.uri()))
        .setAllowOriginHeader(true) // the client's Origin (a header below) is passed on unchanged
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
    // the client of this event loop: both sockets of the session then live on the same thread
    clients.get().connect(options).onComplete(ar -> {
      if (ar.failed()) {
        req.resume();
        rejected(req, route, ar.cause());
        return;
      }
      WebSocket upstream = ar.result();
      req.toWebSocket().onComplete(up -> {
        if (up.failed()) {
          // typically the client went away while the workspace was accepting
          log.info("workspace {}: client upgrade failed after the workspace accepted ({})", route.id(),
              up.cause().toString());
          meters.webSocketSession("client_failed");
          upstream.close((short) 1001, "client upgrade failed");
          return;
        }
        meters.webSocketSession("opened");
        join(route, up.result(), upstream);
      });
    });
  }

  private void rejected(HttpServerRequest req, Route route, Throwable err) {
    if (err instanceof UpgradeRejectedException rejected) {
      meters.webSocketSession("rejected");
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
    meters.webSocketSession(kind.tag());
    ErrorResponses.send(req, kind, UpstreamErrors.detail(kind), 0);
  }

  private void join(Route route, ServerWebSocket client, WebSocket upstream) {
    WebSocketActivity counted = activity.webSocket(route.id(), policies.apply(route.profile()));
    pipeFrames(client, upstream, counted, meters, true);
    pipeFrames(upstream, client, counted, meters, false);
    meters.webSocketOpened();
    counted.opened();
    Set<ServerWebSocket> sockets = open.computeIfAbsent(route.id(), k -> ConcurrentHashMap.newKeySet());
    sockets.add(client);
    keepalives.add(client);
    client.closeHandler(v -> {
      meters.webSocketClosed(); // the client side closes exactly once, whoever started the close
      counted.closed();
      keepalives.remove(client);
      sockets.remove(client);
      closePeer(client, upstream);
    });
    upstream.closeHandler(v -> closePeer(upstream, client));
    client.exceptionHandler(err -> log.debug("client websocket: {}", err.toString()));
    upstream.exceptionHandler(err -> log.debug("workspace websocket: {}", err.toString()));
  }

  /**
   * Closes every relayed socket of a workspace that was stopped (idle, or gone), with 1001 and a reason the
   * client can show. Called for route-down events from any replica.
   */
  public Future<Void> closeAll(WorkspaceId id, String reason) {
    Set<ServerWebSocket> sockets = open.remove(id);
    List<Future<Void>> closes = new ArrayList<>();
    if (sockets != null) {
      for (ServerWebSocket ws : sockets) {
        if (!ws.isClosed()) {
          closes.add(ws.close((short) 1001, reason));
        }
      }
    }
    return Future.join(closes).mapEmpty();
  }

  /**
   * Before this gateway stops: refuses new upgrades from now on, and closes every relayed socket with 1001
   * ("going away"), spread evenly over at most {@code spread}, so browser IDEs reconnect to the other replicas (or to
   * this one restarted) a few at a time rather than all in one stampede. A few sockets need no spreading: closes go
   * out at {@link #DRAIN_RATE_FLOOR} a second or faster, so ten tabs are closed in a tenth of a second, not over the
   * whole window. Completes when every close handshake is done, or {@code grace} after the last close was sent.
   */
  public Future<Void> drain(String reason, Duration spread, Duration grace) {
    draining = true;
    List<ServerWebSocket> all = new ArrayList<>();
    open.values().forEach(all::addAll);
    open.clear();
    long spreadMs = Math.min(spread.toMillis(), all.size() * 1000L / DRAIN_RATE_FLOOR);
    List<Future<Void>> closes = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      ServerWebSocket ws = all.get(i);
      long at = all.size() == 1 ? 0 : spreadMs * i / (all.size() - 1);
      Promise<Void> closed = Promise.promise();
      closes.add(closed.future());
      Handler<Long> close = t -> {
        if (ws.isClosed()) {
          closed.tryComplete();
        } else {
          ws.close((short) 1001, reason).onComplete(ar -> closed.tryComplete());
        }
      };
      if (at == 0) {
        close.handle(0L);
      } else {
        vertx.setTimer(at, close);
      }
    }
    return Future.join(closes).timeout(spreadMs + grace.toMillis(), TimeUnit.MILLISECONDS).<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /** Open relayed sockets of {@code id} on this replica. */
  public int openSockets(WorkspaceId id) {
    Set<ServerWebSocket> sockets = open.get(id);
    return sockets == null ? 0 : sockets.size();
  }

  private static void pipeFrames(WebSocketBase from, WebSocketBase to, WebSocketActivity counted, Meters meters,
                                 boolean fromClient) {
    from.frameHandler(frame -> {
      if (frame.isClose()) {
        return; // the close handshake is relayed by closePeer with the same code and reason
      }
      if (frame.type() == WebSocketFrameType.PONG && from instanceof ServerWebSocket
          && KEEPALIVE.equals(frame.binaryData())) {
        return; // the answer to our own keepalive
      }
      if (isDataFrame(frame)) {
        int size = frame.binaryData().length();
        if (fromClient) {
          counted.clientFrame(size, frame.isFinal());
        } else {
          counted.workspaceFrame(size, frame.isFinal());
        }
      }
      if (to.isClosed()) {
        return; // the peer is gone (its close is relayed by closePeer); nothing more crosses
      }
      meters.webSocketBytes(fromClient, frame.binaryData().length());
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
