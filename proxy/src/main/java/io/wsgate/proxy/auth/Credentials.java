package io.wsgate.proxy.auth;

import io.vertx.core.MultiMap;
import io.wsgate.auth.SessionCookies;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds wsgate's own credentials in a request and removes them from what is forwarded: the
 * {@code wsgate_token} query parameter and the session cookie. A workspace runs student code and must never
 * see either (it could replay them). Other cookies and parameters pass unchanged, byte for byte.
 */
public final class Credentials {

  /** The query parameter carrying an LMS login token. */
  public static final String TOKEN_PARAM = "wsgate_token";

  private Credentials() {
  }

  /** Every value of the session cookie in {@code headers}' Cookie header(s). */
  public static List<String> sessionCookies(MultiMap headers) {
    List<String> out = new ArrayList<>();
    for (String header : headers.getAll("cookie")) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().equals(SessionCookies.NAME)) {
          String v = pair.substring(eq + 1).trim();
          if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
          }
          out.add(v);
        }
      }
    }
    return out;
  }

  /**
   * One Cookie header's value without the session cookie: the value itself when it has none, else the other pairs
   * joined by {@code "; "} (empty if there are none).
   */
  public static String withoutSessionCookie(String header) {
    if (!header.contains(SessionCookies.NAME)) {
      return header;
    }
    StringBuilder b = new StringBuilder();
    boolean changed = false;
    for (String pair : header.split(";")) {
      int eq = pair.indexOf('=');
      String name = (eq < 0 ? pair : pair.substring(0, eq)).trim();
      if (name.equals(SessionCookies.NAME)) {
        changed = true;
        continue;
      }
      if (!pair.isBlank()) {
        b.append(b.length() == 0 ? "" : "; ").append(pair.trim());
      }
    }
    return changed ? b.toString() : header;
  }


  /** {@code uri} without any {@code wsgate_token} parameter (the rest of the query keeps its order and bytes). */
  public static String withoutToken(String uri) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return uri;
    }
    int hash = uri.indexOf('#', q);
    String query = hash < 0 ? uri.substring(q + 1) : uri.substring(q + 1, hash);
    StringBuilder kept = new StringBuilder();
    for (String part : query.split("&", -1)) {
      String name = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
      if (isTokenName(name) || part.isEmpty()) {
        continue;
      }
      kept.append(kept.length() == 0 ? "" : "&").append(part);
    }
    return uri.substring(0, q) + (kept.length() == 0 ? "" : "?" + kept) + (hash < 0 ? "" : uri.substring(hash));
  }

  /** Whether a raw (possibly percent-encoded) query parameter name is the token's. */
  static boolean isTokenName(String rawName) {
    String n;
    try {
      n = java.net.URLDecoder.decode(rawName, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      n = rawName;
    }
    return n.trim().equalsIgnoreCase(TOKEN_PARAM);
  }
}
