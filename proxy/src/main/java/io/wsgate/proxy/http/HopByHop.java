package io.wsgate.proxy.http;

import io.vertx.core.MultiMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Hop-by-hop headers (RFC 9110 section 7.6.1): the fixed set plus every header the {@code Connection}
 * header names. They describe one connection and must not be forwarded.
 */
public final class HopByHop {

  private static final Set<String> FIXED = Set.of("connection", "proxy-connection", "keep-alive", "te", "trailer",
      "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization");

  private HopByHop() {
  }

  /**
   * The header names {@code headers}' {@code Connection} header(s) name beyond the fixed set and {@code close}, or
   * null if there are none (a browser's {@code Connection: keep-alive}).
   */
  static List<String> connectionNamed(MultiMap headers) {
    List<String> named = null;
    for (String connection : headers.getAll("connection")) {
      for (String option : connection.split(",")) {
        String n = option.trim();
        if (!n.isEmpty() && !n.equalsIgnoreCase("close") && !isHopByHopName(n)) {
          if (named == null) {
            named = new ArrayList<>(2);
          }
          named.add(n);
        }
      }
    }
    return named;
  }

  /** Whether {@code name} is in {@code named} (any case); false for null. */
  static boolean isIn(String name, List<String> named) {
    if (named != null) {
      for (String n : named) {
        if (n.equalsIgnoreCase(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@link #isHopByHop} for a name in any case, without lower-casing it. */
  static boolean isHopByHopName(String name) {
    for (String h : FIXED) {
      if (h.length() == name.length() && h.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  public static boolean isHopByHop(String lowerCaseName) {
    return FIXED.contains(lowerCaseName);
  }
}
