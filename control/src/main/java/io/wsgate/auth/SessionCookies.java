package io.wsgate.auth;

import io.wsgate.workspace.WorkspaceId;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Encodes and checks session cookie values: stateless, so any replica (or a restarted gateway) with the same
 * {@link KeyRing} accepts them. A value is {@code v1.<wsid>.<user>.<profile>.<issued>.<expires>.<kid>.<mac>}
 * with user and kid base64url-encoded and an HMAC-SHA256 over everything before the mac, keyed by a key derived
 * from the ring's secret (so a session MAC can never pass as a JWT signature or the other way round).
 *
 * <p>Every request carries its cookie, so checking one is on the hot path: the session keys are derived once, each
 * thread keeps its initialised {@link Mac}s, and a value already verified on this thread is remembered (a bounded
 * LRU per thread, so per event loop) and trusted again until its session expires. The memo holds only values
 * whose MAC matched, so a forged value is checked in full every time it is presented.
 */
public final class SessionCookies {

  /** The cookie's name. Stripped from every request before it is forwarded. */
  public static final String NAME = "wsgate_session";
  private static final Pattern PROFILE = Pattern.compile("[a-z0-9]{0,31}");
  private static final byte[] LABEL = "wsgate session cookie v1".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_VALUE_LENGTH = 1024;
  /** Verified values remembered per thread: a few browsers' worth per event loop, about 300 KB at most. */
  static final int VERIFIED_PER_THREAD = 1024;

  private final KeyRing keys;
  private final long ttlMs;
  private final Map<String, SecretKeySpec> sessionKeys = new HashMap<>();
  private final ThreadLocal<Map<String, Mac>> macs = ThreadLocal.withInitial(HashMap::new);
  private final ThreadLocal<Map<String, Session>> verified = ThreadLocal.withInitial(() ->
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
          return size() > VERIFIED_PER_THREAD;
        }
      });

  public SessionCookies(KeyRing keys, Duration ttl) {
    this.keys = keys;
    this.ttlMs = ttl.toMillis();
    for (KeyRing.Key key : keys.all()) {
      sessionKeys.put(key.kid(), new SecretKeySpec(derive(key), "HmacSHA256"));
    }
  }

  /** A new session for {@code user} in {@code workspace}, starting at {@code nowMs}. */
  public Session start(WorkspaceId workspace, String user, String profile, long nowMs) {
    return new Session(workspace, user, profile, nowMs, nowMs + ttlMs);
  }

  public long ttlSeconds() {
    return ttlMs / 1000;
  }

  public String encode(Session s) {
    KeyRing.Key key = keys.signing();
    String body = "v1." + s.workspace().value() + "." + b64(s.user()) + "." + s.profile() + "." + s.issuedAtMs() + "."
        + s.expiresAtMs() + "." + b64(key.kid());
    return body + "." + mac(key, body);
  }

  /** The session in {@code value} if it is genuine, unexpired and for {@code workspace}. Never throws. */
  public Optional<Session> decode(String value, WorkspaceId workspace, long nowMs) {
    if (value == null || value.length() > MAX_VALUE_LENGTH) {
      return Optional.empty();
    }
    Map<String, Session> memo = verified.get();
    Session known = memo.get(value);
    if (known != null) {
      if (known.expiresAtMs() <= nowMs) {
        memo.remove(value);
        return Optional.empty();
      }
      return known.workspace().equals(workspace) ? Optional.of(known) : Optional.empty();
    }
    Optional<Session> checked = verify(value, workspace, nowMs);
    checked.ifPresent(s -> memo.put(value, s));
    return checked;
  }

  private Optional<Session> verify(String value, WorkspaceId workspace, long nowMs) {
    try {
      String[] p = value.split("\\.", -1);
      if (p.length != 8 || !p[0].equals("v1")) {
        return Optional.empty();
      }
      KeyRing.Key key = keys.byKid(unb64(p[6]));
      if (key == null) {
        return Optional.empty();
      }
      String body = value.substring(0, value.lastIndexOf('.'));
      byte[] expected = mac(key, body).getBytes(StandardCharsets.US_ASCII);
      if (!MessageDigest.isEqual(expected, p[7].getBytes(StandardCharsets.US_ASCII))) {
        return Optional.empty();
      }
      // genuine from here on: what follows guards against our own mistakes, not forgeries
      if (!p[1].equals(workspace.value())) {
        return Optional.empty();
      }
      String user = unb64(p[2]);
      long issued = Long.parseLong(p[4]);
      long expires = Long.parseLong(p[5]);
      if (!TokenClaims.USER.matcher(user).matches() || !PROFILE.matcher(p[3]).matches() || expires <= nowMs
          || issued > nowMs + 60_000 || expires - issued > ttlMs) {
        return Optional.empty();
      }
      return Optional.of(new Session(workspace, user, p[3], issued, expires));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private String mac(KeyRing.Key key, String body) {
    Mac mac = macs.get().computeIfAbsent(key.kid(), kid -> hmac(sessionKeys.get(kid)));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] derive(KeyRing.Key key) {
    return hmac(new SecretKeySpec(key.secret(), "HmacSHA256")).doFinal(LABEL);
  }

  private static Mac hmac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(String s) {
    return new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
  }
}
