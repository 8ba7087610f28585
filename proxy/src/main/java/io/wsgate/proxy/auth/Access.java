package io.wsgate.proxy.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.wsgate.auth.InvalidTokenException;
import io.wsgate.auth.LoginTokens;
import io.wsgate.auth.Session;
import io.wsgate.auth.SessionCookies;
import io.wsgate.auth.TokenClaims;
import io.wsgate.config.GatewayConfig;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.proxy.error.GatewayFailure;
import io.wsgate.proxy.http.RequestLoop;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may use a workspace host. A request carrying {@code wsgate_token} is a login: the token is checked
 * (signature, expiry, workspace, single use across replicas, owner), a session cookie for this host only is set,
 * and the browser is sent to the same URL without the token. Every other request needs a valid session for this
 * very workspace; without one it gets 401, or a redirect to the LMS login page for a browser navigation.
 */
public final class Access {

  private static final Logger log = LoggerFactory.getLogger(Access.class);

  private final GatewayConfig config;
  private final LoginTokens tokens;
  private final SessionCookies sessions;
  private final AuthStore store;
  private final Clock clock;

  public Access(GatewayConfig config, LoginTokens tokens, SessionCookies sessions, AuthStore store, Clock clock) {
    this.config = config;
    this.tokens = tokens;
    this.sessions = sessions;
    this.store = store;
    this.clock = clock;
  }

  /**
   * The request's valid session for {@code id}, if it may go on; otherwise null, and the response is (being)
   * sent. Sliding sessions get a fresh cookie on the response here.
   */
  public Session authorize(HttpServerRequest req, WorkspaceId id, Context ctx) {
    if (hasTokenParameter(req.uri())) {
      exchange(req, id, ctx, req.params().getAll(Credentials.TOKEN_PARAM));
      return null;
    }
    long now = clock.millis();
    Optional<Session> session = session(req, id, now);
    if (session.isPresent()) {
      if (session.get().wantsRefresh(now)) {
        Session s = session.get();
        req.response().headers().add("set-cookie", cookie(sessions.start(id, s.user(), s.profile(), now)));
      }
      return session.get();
    }
    noSession(req, "Your session for this workspace is missing or has expired. "
        + "Open the workspace again from your course page.");
    return null;
  }

  /**
   * Whether {@code uri}'s query may carry the token: the query is parsed (and percent-decoded) only then, so
   * the common request, with no query or none that mentions it, skips Vert.x's parameter decoding.
   */
  private static boolean hasTokenParameter(String uri) {
    int q = uri.indexOf('?');
    // a percent-encoded name may spell the token's name in any mix of escapes: such queries are parsed in full
    return q >= 0 && (uri.indexOf('%', q) >= 0
        || uri.toLowerCase(Locale.ROOT).indexOf(Credentials.TOKEN_PARAM, q) >= 0);
  }

  /** The valid session for {@code id} this request carries, if any. */
  private Optional<Session> session(HttpServerRequest req, WorkspaceId id, long now) {
    for (String value : Credentials.sessionCookies(req.headers())) {
      Optional<Session> s = sessions.decode(value, id, now);
      if (s.isPresent()) {
        return s;
      }
    }
    return Optional.empty();
  }

  private void exchange(HttpServerRequest req, WorkspaceId id, Context ctx, List<String> values) {
    long now = clock.millis();
    TokenClaims claims;
    try {
      if (values.size() != 1) {
        throw new InvalidTokenException("The login link carries more than one token.");
      }
      claims = tokens.verify(values.get(0), now);
    } catch (InvalidTokenException e) {
      log.info("workspace {}: login refused: {}", id, e.getMessage());
      noSession(req, e.getMessage());
      return;
    }
    if (!claims.workspace().equals(id)) {
      log.warn("workspace {}: login refused: token for workspace {}", id, claims.workspace());
      noSession(req, "This login link is for another workspace.");
      return;
    }
    if (claims.profile().isPresent() && !config.profiles().containsKey(claims.profile().get())) {
      ErrorResponses.send(req, GatewayError.UNKNOWN_PROFILE, "The course asked for a kind of workspace ('"
          + claims.profile().get() + "') this gateway does not offer. Tell your teacher.", 0);
      return;
    }
    req.pause();
    long ttl = claims.expiresAtMs() - now + config.security().tokenLeeway().toMillis();
    Future<String> owner = store.claimTokenId(claims.jti(), ttl).compose(fresh -> fresh
        ? store.bindOwner(id, claims.user())
        : Future.failedFuture(new InvalidTokenException("This login link was already used. "
            + "Open the workspace again from your course page.")));
    RequestLoop.resumeOn(ctx, owner).onComplete(ar -> {
      req.resume();
      if (ar.failed()) {
        if (ar.cause() instanceof InvalidTokenException e) {
          log.warn("workspace {}: login refused: token {} replayed", id, claims.jti());
          noSession(req, e.getMessage());
        } else {
          log.warn("workspace {}: login failed: {}", id, ar.cause().toString());
          ErrorResponses.send(req, GatewayFailure.of(GatewayError.REDIS_UNAVAILABLE));
        }
        return;
      }
      if (!claims.user().equals(ar.result())) {
        log.warn("workspace {}: login refused: user {} is not the owner", id, claims.user());
        ErrorResponses.send(req, GatewayError.NOT_OWNER, "This workspace belongs to another user. "
            + "Open your own workspace from your course page.", 0);
        return;
      }
      Session s = sessions.start(id, claims.user(), claims.profile().orElse(""), clock.millis());
      log.info("workspace {}: {} signed in", id, claims.user());
      req.response().setStatusCode(302)
          .putHeader("location", sameUrlWithoutToken(req))
          .putHeader("cache-control", "no-store")
          .putHeader("referrer-policy", "no-referrer")
          .putHeader("set-cookie", cookie(s))
          .end();
    });
  }

  private String cookie(Session s) {
    return Cookie.cookie(SessionCookies.NAME, sessions.encode(s)).setPath("/").setMaxAge(sessions.ttlSeconds())
        .setHttpOnly(true).setSecure(config.publicHttps()).setSameSite(CookieSameSite.LAX).encode();
  }

  private void noSession(HttpServerRequest req, String why) {
    Optional<String> login = config.security().loginUrl();
    boolean navigation = (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD)
        && ErrorResponses.wantsHtml(req) && !req.canUpgradeToWebSocket();
    if (login.isPresent() && navigation) {
      String back = (config.publicHttps() ? "https://" : "http://") + req.getHeader("host") + sameUrlWithoutToken(req);
      String sep = login.get().contains("?") ? "&" : "?";
      req.response().setStatusCode(302).putHeader("cache-control", "no-store")
          .putHeader("location", login.get() + sep + "return=" + URLEncoder.encode(back, StandardCharsets.UTF_8))
          .end();
      return;
    }
    ErrorResponses.send(req, GatewayError.UNAUTHENTICATED, why, 0);
  }

  /** The request's path and query without the token; origin-form even if the request used absolute-form. */
  private static String sameUrlWithoutToken(HttpServerRequest req) {
    String uri = Credentials.withoutToken(req.uri());
    if (!uri.startsWith("/")) {
      int slash = uri.indexOf('/', uri.indexOf("://") + 3);
      uri = slash < 0 ? "/" : uri.substring(slash);
    }
    return uri.startsWith("//") ? "/" : uri;
  }
}
