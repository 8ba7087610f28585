package io.wsgate.proxy.edge;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.wsgate.auth.LoginTokens;
import io.wsgate.auth.Session;
import io.wsgate.auth.SessionCookies;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.SecurityConfig;
import io.wsgate.proxy.auth.Access;
import io.wsgate.proxy.auth.AuthStore;
import io.wsgate.proxy.auth.LaunchGuard;
import io.wsgate.proxy.routing.WorkspaceRequest;
import io.wsgate.store.RedisStore;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Everything that stands between the network and a workspace, in the order a request meets it: server limits
 * and the strict head check on the connection ({@link #configure}, {@link #install}), request screening
 * ({@link #screen}), then per workspace the WebSocket origin check and authentication ({@link #authorize}), and
 * at a launch the {@link LaunchGuard}. {@code Gateway} builds one; every gateway verticle shares it.
 */
public final class SecurityLayer {

  private static final Logger log = LoggerFactory.getLogger(SecurityLayer.class);

  private final SecurityConfig security;
  private final EdgeFilter filter;
  private final Access access;
  private final LaunchGuard guard;
  private volatile EdgeConnections connections;

  private SecurityLayer(SecurityConfig security, EdgeFilter filter, Access access, LaunchGuard guard) {
    this.security = security;
    this.filter = filter;
    this.access = access;
    this.guard = guard;
  }

  public static SecurityLayer create(Vertx vertx, GatewayConfig config, RedisStore redis, Clock clock) {
    SecurityConfig security = config.security();
    ClientAddress clients = new ClientAddress(security.trustedProxies());
    AuthStore store = new AuthStore(redis);
    Access access = null;
    if (security.authEnabled()) {
      access = new Access(config, new LoginTokens(vertx, security.keys(), security.tokenMaxTtl(), security.tokenLeeway()),
          new SessionCookies(security.keys(), security.sessionTtl()), store, clock);
    }
    return new SecurityLayer(security, new EdgeFilter(clients, config.publicHttps()), access,
        new LaunchGuard(config, access, store, clients, clock));
  }

  /** Says once, at start, whether the gateway authenticates. */
  public static void announce(SecurityConfig security) {
    if (security.authEnabled()) {
      log.info("auth on: workspaces need an LMS login token or a session (keys: {})", security.keys().all().size());
    } else {
      log.warn("WSGATE_AUTH=off: anyone who can reach this gateway can open and launch any workspace. "
          + "Never run like this where students or the internet can reach it.");
    }
  }

  /** Applies the edge limits to the gateway's server options: sizes, idle timeout, no h2c, no compression. */
  public HttpServerOptions configure(HttpServerOptions options) {
    options.setMaxInitialLineLength(security.maxRequestLine())
        .setMaxHeaderSize(security.maxHeaderSize())
        .setIdleTimeout((int) security.idleTimeout().toSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setHttp2ClearTextEnabled(false)
        .setMaxWebSocketFrameSize(security.webSocketMaxMessage())
        .setMaxWebSocketMessageSize(security.webSocketMaxMessage())
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
    connections = new EdgeConnections(options, security);
    return options;
  }

  /** Puts the strict head check on each connection {@code server} accepts. */
  public void install(HttpServer server) {
    EdgeConnections c = connections;
    if (c == null) {
      throw new IllegalStateException("configure() the server options first");
    }
    server.connectionHandler(c::onConnection);
  }

  /** Before routing: true if the request may go on; otherwise it was answered (400, connection closed). */
  public boolean screen(HttpServerRequest req) {
    return filter.screen(req);
  }

  /**
   * For a request to workspace {@code id}: the WebSocket origin check, then a session for that workspace (or a
   * login). The request with its session if it may go on; otherwise null, and it was answered.
   */
  public WorkspaceRequest authorize(HttpServerRequest req, WorkspaceId id, Context ctx) {
    if (!filter.originAllowed(req)) {
      return null;
    }
    if (access == null) {
      return new WorkspaceRequest(req, id, null);
    }
    Session session = access.authorize(req, id, ctx);
    return session == null ? null : new WorkspaceRequest(req, id, session);
  }

  public LaunchGuard launchGuard() {
    return guard;
  }
}
