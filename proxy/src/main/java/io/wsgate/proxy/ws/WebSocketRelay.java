package io.wsgate.proxy.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.wsgate.activity.ActivityTracker;
import io.wsgate.activity.WebSocketActivity;
import io.wsgate.config.Profile;
import io.wsgate.metrics.Meters;
import io.wsgate.proxy.auth.Credentials;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.proxy.error.GatewayFailure;
import io.wsgate.proxy.http.HopByHop;
import io.wsgate.proxy.http.PerEventLoop;
import io.wsgate.proxy.http.UpstreamErrors;
import io.wsgate.proxy.http.UpstreamFailureListener;
import io.wsgate.proxy.http.WorkspaceDialer;
import io.wsgate.proxy.http.WorkspaceHeaders;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
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
 * Relays a WebSocket between a client and its workspace as a byte tunnel that still sees every message: after the
 * 101 the two TCP connections are joined and a {@link FrameScanner} per direction reads only frame headers, so the
 * activity tracker counts messages (not connections) while payloads pass as they came, never unmasked, re-masked,
 * re-framed or copied (the tunnel writes the very buffers Netty read into), and text, binary, fragmentation,
 * ping/pong and close codes arrive unchanged. Both connections are bare Netty channels of the client's event loop
 * once the 101 is through: Vert.x parses the client's request, and nothing of Vert.x stays on a message's path. The
 * workspace is asked first (with the client's own key, never its extensions): if it refuses the upgrade, the client
 * gets that status instead of a 101 followed by a close. Back-pressure: a side whose peer's write buffer is full stops
 * being read until the peer drains.
 */
public final class WebSocketRelay {

  private static final Logger log = LoggerFactory.getLogger(WebSocketRelay.class);

  /** Keeps idle sockets open through load balancers (the ALB drops a connection silent for 60 s). */
  static final long KEEPALIVE_MS = 30_000;
  private static final byte[] KEEPALIVE = "wsgate".getBytes(StandardCharsets.US_ASCII);

  private final Vertx vertx;
  private final PerEventLoop<WorkspaceDialer> dialers;
  private final long connectTimeoutMs;
  private final long maxMessage;
  private final UpstreamFailureListener failures;
  private final ActivityTracker activity;
  private final Function<String, Profile.ActivityPolicy> policies;
  private final Map<WorkspaceId, Set<Tunnel>> open = new ConcurrentHashMap<>();
  private final Meters meters;
  private final Keepalives<Tunnel> keepalives;
  private volatile boolean draining;
  /** Sockets a stopping gateway closes per second at the least: below this many, the drain needs no window. */
  static final int DRAIN_RATE_FLOOR = 100;

  /**
   * @param dialers    a dialer per event loop for the upgrades (each on a connection of its own)
   * @param maxMessage the largest message (and so frame) relayed either way; a larger one closes the socket with 1009
   */
  public WebSocketRelay(Vertx vertx, PerEventLoop<WorkspaceDialer> dialers, long connectTimeoutMs, long maxMessage,
                        UpstreamFailureListener failures, ActivityTracker activity,
                        Function<String, Profile.ActivityPolicy> policies, Meters meters) {
    this.meters = meters;
    this.vertx = vertx;
    this.maxMessage = maxMessage;
    this.keepalives = new Keepalives<>(KEEPALIVE_MS, Tunnel::ping);
    this.activity = activity;
    this.policies = policies;
    this.dialers = dialers;
    this.connectTimeoutMs = connectTimeoutMs;
    this.failures = failures;
  }

  public void relay(HttpServerRequest req, Route route) {
    if (draining) {
      ErrorResponses.send(req, GatewayFailure.of(GatewayError.DRAINING));
      return;
    }
    String key = req.getHeader("sec-websocket-key");
    if (!"13".equals(req.getHeader("sec-websocket-version"))) {
      req.response().putHeader("sec-websocket-version", "13");
      ErrorResponses.send(req, GatewayError.BAD_REQUEST, "This gateway speaks WebSocket version 13.", 0);
      return;
    }
    if (key == null || !Handshake.isValidKey(key)) {
      ErrorResponses.send(req, GatewayError.BAD_REQUEST, "A WebSocket upgrade needs a Sec-WebSocket-Key.", 0);
      return;
    }
    String protocols = Handshake.protocols(req.headers().getAll("sec-websocket-protocol"));
    Buffer head = upgradeHead(req, key, protocols);
    req.pause();
    // A connection of its own, outside any pool, with no HTTP client on it: the upgrade's head is written and its
    // answer read by WorkspaceUpgrade, and after a 101 the channel is the tunnel's as it stands. The dialer of this
    // event loop: both connections of the session then live on the same thread.
    WorkspaceUpgrade.ask(dialers.get(), route.endpoint(), head, connectTimeoutMs, ContextInternal.current())
        .onComplete(ar -> {
          if (ar.failed()) {
            req.resume();
            rejected(req, route, ar.cause());
          } else if (ar.result().status() != 101) {
            req.resume();
            refused(req, ar.result());
          } else {
            accepted(req, route, ar.result(), key, protocols);
          }
        });
  }

  /**
   * The upgrade request for the workspace: the client's method-less path (without a login token), its end-to-end
   * headers but its credentials, the forwarded headers, and the client's own key and offered protocols, never its
   * extensions: nothing may transform the frames the tunnel passes.
   */
  private static Buffer upgradeHead(HttpServerRequest req, String key, String protocols) {
    StringBuilder head = WorkspaceHeaders.headBuilder().append("GET ").append(Credentials.withoutToken(req.uri()))
        .append(" HTTP/1.1\r\n");
    WorkspaceHeaders.append(req, head, true); // the handshake's own Sec-WebSocket-* are set below
    WorkspaceHeaders.line(head, "upgrade", "websocket");
    WorkspaceHeaders.line(head, "connection", "Upgrade");
    WorkspaceHeaders.line(head, "sec-websocket-version", "13");
    WorkspaceHeaders.line(head, "sec-websocket-key", key);
    if (protocols != null) {
      WorkspaceHeaders.line(head, "sec-websocket-protocol", protocols);
    }
    return WorkspaceUpgrade.bytes(head.append("\r\n"));
  }

  /** The workspace answered the upgrade with 101: check its answer, give the client its 101, join the two. */
  private void accepted(HttpServerRequest req, Route route, WorkspaceUpgrade.Answer resp, String key,
                        String offered) {
    Channel upstream = resp.channel();
    String problem = Handshake.problem(resp.headers(), key, offered);
    if (problem != null) {
      log.warn("workspace {}: websocket upgrade answer refused ({})", route.id(), problem);
      upstream.close();
      meters.webSocketSession(GatewayError.UPSTREAM_RESET.tag());
      req.resume();
      ErrorResponses.send(req, GatewayError.UPSTREAM_RESET, UpstreamErrors.detail(GatewayError.UPSTREAM_RESET), 0);
      return;
    }
    // the workspace's accept value, checked above against the client's key: the one the client expects
    req.response().putHeader("upgrade", "websocket").putHeader("connection", "Upgrade")
        .putHeader("sec-websocket-accept", resp.headers().get("sec-websocket-accept").trim());
    String protocol = resp.headers().get("sec-websocket-protocol");
    if (protocol != null) {
      req.response().putHeader("sec-websocket-protocol", protocol);
    }
    Channel client = switchProtocols(req);
    if (client == null) {
      // typically the client went away while the workspace was accepting
      log.info("workspace {}: the client's connection closed before its 101", route.id());
      meters.webSocketSession("client_failed");
      upstream.writeAndFlush(ControlFrames.close((short) 1001, "client upgrade failed", true))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    meters.webSocketSession("opened");
    upstream.pipeline().remove(resp.upgrade());
    join(route, client, upstream, resp.upgrade().early());
  }

  /**
   * Gives the client its 101 and takes its connection out of Vert.x's HTTP server: the HTTP handlers leave the
   * pipeline ({@link Tunnel#takeOver}), then the 101's head is written as it is, with the response's headers (the
   * handshake's, and a session cookie if this request signed in). Vert.x's {@code toNetSocket} did the same, then
   * wrapped the channel in a socket the tunnel took apart again: about 4 % of a handshake's CPU. Null if the client's
   * connection closed meanwhile. An upgrade is HTTP/1.1 (HTTP/2 has none).
   */
  private static Channel switchProtocols(HttpServerRequest req) {
    if (!(req.connection() instanceof Http1xServerConnection http1)) {
      throw new IllegalStateException("an upgrade on " + req.version() + ", which has none");
    }
    ChannelHandlerContext ctx = http1.channelHandlerContext();
    if (!ctx.channel().isActive()) {
      return null;
    }
    StringBuilder head = WorkspaceHeaders.headBuilder().append("HTTP/1.1 101 Switching Protocols\r\n");
    req.response().headers().forEach(h -> WorkspaceHeaders.line(head, h.getKey(), h.getValue()));
    Channel client = Tunnel.takeOver(ctx);
    client.writeAndFlush(Unpooled.wrappedBuffer(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1)),
        client.voidPromise());
    return client;
  }

  /** The workspace answered, it just said no: pass its answer on. */
  private void refused(HttpServerRequest req, WorkspaceUpgrade.Answer resp) {
    meters.webSocketSession("rejected");
    req.response().setStatusCode(resp.status());
    resp.headers().forEach(h -> {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!HopByHop.isHopByHop(name) && !name.equals("content-length")) {
        req.response().headers().add(h.getKey(), h.getValue());
      }
    });
    // the upgrade's own connection is closed once the body is in: never reused
    WorkspaceUpgrade.refusalBody(resp, connectTimeoutMs).onComplete(body -> req.response().end(body.result()));
  }

  private void rejected(HttpServerRequest req, Route route, Throwable err) {
    GatewayError kind = UpstreamErrors.classify(err);
    log.warn("workspace {}: websocket {} -> {} ({}: {})", route.id(), req.path(), kind.tag(), route.endpoint(),
        err.toString());
    failures.failed(route, kind, err);
    meters.webSocketSession(kind.tag());
    ErrorResponses.send(req, kind, UpstreamErrors.detail(kind), 0);
  }

  private void join(Route route, Channel client, Channel upstream, Buffer early) {
    WebSocketActivity counted = activity.webSocket(route.id(), policies.apply(route.profile()));
    Tunnel tunnel = new Tunnel(client, upstream, counted, meters, maxMessage, KEEPALIVE);
    meters.webSocketOpened();
    counted.opened();
    Set<Tunnel> sockets = open.computeIfAbsent(route.id(), k -> ConcurrentHashMap.newKeySet());
    sockets.add(tunnel);
    EventLoop loop = client.eventLoop();
    keepalives.add(loop, tunnel);
    tunnel.start(((BufferInternal) early).getByteBuf(), () -> {
      meters.webSocketClosed(); // the client side closes exactly once, whoever started the close
      counted.closed();
      keepalives.remove(loop, tunnel);
      sockets.remove(tunnel);
    });
  }

  /**
   * Closes every relayed socket of a workspace that was stopped (idle, or gone), with 1001 and a reason the
   * client can show. Called for route-down events from any replica.
   */
  public Future<Void> closeAll(WorkspaceId id, String reason) {
    Set<Tunnel> sockets = open.remove(id);
    List<Future<Void>> closes = new ArrayList<>();
    if (sockets != null) {
      for (Tunnel ws : sockets) {
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
    List<Tunnel> all = new ArrayList<>();
    open.values().forEach(all::addAll);
    open.clear();
    long spreadMs = Math.min(spread.toMillis(), all.size() * 1000L / DRAIN_RATE_FLOOR);
    List<Future<Void>> closes = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Tunnel ws = all.get(i);
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
    Set<Tunnel> sockets = open.get(id);
    return sockets == null ? 0 : sockets.size();
  }
}
