package io.wsgate.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.wsgate.workspace.WorkspaceId;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * LMS login tokens: HS256 JWTs (vertx-auth-jwt) carrying {@code sub}, {@code wsid}, {@code profile}, {@code exp}
 * and {@code jti}. Verifies with every key of the {@link KeyRing} (by {@code kid}), mints with the first. The
 * gateway verifies; the {@code wsgate token} command and tests mint. Checking that a {@code jti} is used once
 * is the caller's job (it needs Redis).
 */
public final class LoginTokens {

  /** Longer input is refused before any parsing. */
  public static final int MAX_TOKEN_LENGTH = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JWTAuth signer;
  private final JWTAuth verifier;
  private final long maxTtlMs;
  private final long leewayMs;

  public LoginTokens(Vertx vertx, KeyRing keys, Duration maxTtl, Duration leeway) {
    JWTAuthOptions verify = new JWTAuthOptions()
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setIgnoreExpiration(true)); // checked below, on our clock
    for (KeyRing.Key k : keys.all()) {
      verify.addPubSecKey(key(k));
    }
    this.verifier = JWTAuth.create(vertx, verify);
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key(keys.signing())));
    this.maxTtlMs = maxTtl.toMillis();
    this.leewayMs = leeway.toMillis();
  }

  private static PubSecKeyOptions key(KeyRing.Key k) {
    return new PubSecKeyOptions().setAlgorithm("HS256").setId(k.kid()).setBuffer(Buffer.buffer(k.secret()));
  }

  /** A fresh single-use token for {@code user} to open {@code workspace}, valid for {@code ttl}. */
  public String mint(String user, WorkspaceId workspace, Optional<String> profile, Duration ttl, long nowMs) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    long now = nowMs / 1000;
    JsonObject claims = new JsonObject().put("sub", user).put("wsid", workspace.value())
        .put("jti", Base64.getUrlEncoder().withoutPadding().encodeToString(id))
        .put("iat", now).put("exp", now + Math.max(1, ttl.toSeconds()));
    profile.ifPresent(p -> claims.put("profile", p));
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
  }

  /**
   * Checks signature, expiry (with leeway), lifetime and claim shapes; never throws anything but
   * {@link InvalidTokenException}. Does not check the workspace or the jti's single use.
   */
  public TokenClaims verify(String token, long nowMs) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException("The login link is malformed.");
    }
    JsonObject payload;
    try {
      Future<User> user = verifier.authenticate(new TokenCredentials(token));
      // HS256 verification is synchronous; a pending future would be a library change we refuse to guess about
      if (!user.succeeded()) {
        throw new InvalidTokenException("The login link is not valid (its signature does not match).");
      }
      payload = user.result().attributes().getJsonObject("accessToken");
    } catch (InvalidTokenException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidTokenException("The login link is not valid (its signature does not match).");
    }
    if (payload == null) {
      throw new InvalidTokenException("The login link is not valid.");
    }
    try {
      Object exp = payload.getValue("exp");
      if (!(exp instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue())) {
        throw new InvalidTokenException("The login link has no expiry time.");
      }
      long expMs = Math.multiplyExact(n.longValue(), 1000L);
      if (expMs + leewayMs < nowMs) {
        throw new InvalidTokenException("The login link has expired. Open the workspace again from your course page.");
      }
      if (expMs - nowMs > maxTtlMs + leewayMs) {
        throw new InvalidTokenException("The login link lives too long to be accepted.");
      }
      String sub = payload.getValue("sub") instanceof String s ? s : "";
      String wsid = payload.getValue("wsid") instanceof String s ? s : "";
      String jti = payload.getValue("jti") instanceof String s ? s : "";
      Object profile = payload.getValue("profile");
      if (!WorkspaceId.isValid(wsid)) {
        throw new InvalidTokenException("The login link names no valid workspace.");
      }
      if (profile != null && !(profile instanceof String)) {
        throw new InvalidTokenException("The login link's profile is not a name.");
      }
      return new TokenClaims(sub, new WorkspaceId(wsid), Optional.ofNullable((String) profile), jti, expMs);
    } catch (InvalidTokenException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidTokenException("The login link is not valid (" + safe(e.getMessage()) + ").");
    }
  }

  private static String safe(String m) {
    if (m == null) {
      return "malformed claims";
    }
    String cut = m.length() > 120 ? m.substring(0, 120) : m;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
