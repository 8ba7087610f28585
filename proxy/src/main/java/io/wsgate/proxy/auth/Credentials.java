package io.wsgate.proxy.auth;

import io.vertx.core.MultiMap;
import io.wsgate.auth.SessionCookies;
import io.wsgate.proxy.http.HeaderNames;

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
    List<String> out = null;
    for (String header : headers.getAll(HeaderNames.COOKIE)) {
      int len = header.length();
      for (int from = 0; from <= len; ) { // each pair, name=value, between semicolons
        int to = end(header, from, ';', len);
        int eq = end(header, from, '=', to);
        if (eq > from && eq < to && isSessionName(header, from, eq)) {
          int a = skipSpace(header, eq + 1, to);
          int b = backSpace(header, a, to);
          if (b - a >= 2 && header.charAt(a) == '"' && header.charAt(b - 1) == '"') {
            a++;
            b--;
          }
          out = out == null ? new ArrayList<>(1) : out;
          out.add(header.substring(a, b));
        }
        from = to + 1;
      }
    }
    return out == null ? List.of() : out;
  }

  /**
   * One Cookie header's value without the session cookie: the value itself when it has none, else the other pairs
   * joined by {@code "; "} (empty if there are none).
   */
  public static String withoutSessionCookie(String header) {
    if (!header.contains(SessionCookies.NAME)) {
      return header;
    }
    StringBuilder kept = null;
    boolean changed = false;
    int len = header.length();
    for (int from = 0; from <= len; ) {
      int to = end(header, from, ';', len);
      if (isSessionName(header, from, end(header, from, '=', to))) {
        changed = true;
      } else {
        int a = skipSpace(header, from, to);
        int b = backSpace(header, a, to);
        if (a < b) {
          kept = kept == null ? new StringBuilder(len) : kept.append("; ");
          kept.append(header, a, b);
        }
      }
      from = to + 1;
    }
    return !changed ? header : kept == null ? "" : kept.toString();
  }

  /** Whether {@code s[from..to)}, without the white space around it, is the session cookie's name. */
  private static boolean isSessionName(String s, int from, int to) {
    int a = skipSpace(s, from, to);
    int b = backSpace(s, a, to);
    return b - a == SessionCookies.NAME.length() && s.startsWith(SessionCookies.NAME, a);
  }

  /** The index of {@code c} in {@code s[from..limit)}, or {@code limit}. */
  private static int end(String s, int from, char c, int limit) {
    int i = s.indexOf(c, from);
    return i < 0 || i > limit ? limit : i;
  }

  /** The first index from {@code from} (before {@code to}) of a character {@link String#trim} keeps. */
  private static int skipSpace(String s, int from, int to) {
    while (from < to && s.charAt(from) <= ' ') {
      from++;
    }
    return from;
  }

  /** Past the last character before {@code to} (from {@code from}) that {@link String#trim} keeps. */
  private static int backSpace(String s, int from, int to) {
    while (to > from && s.charAt(to - 1) <= ' ') {
      to--;
    }
    return to;
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
