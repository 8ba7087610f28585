package io.wsgate.proxy.http;

import io.vertx.core.MultiMap;

import java.util.Map;
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

  /** Removes the hop-by-hop headers from {@code headers}, in place. */
  public static void strip(MultiMap headers) {
    // one pass to find whether there is anything to remove: most requests and responses carry none of them
    boolean any = false;
    for (Map.Entry<String, String> h : headers) {
      if (isHopByHopName(h.getKey())) {
        any = true;
        break;
      }
    }
    if (!any) {
      return;
    }
    for (String connection : headers.getAll("connection")) {
      for (String name : connection.split(",")) {
        String n = name.trim();
        if (!n.isEmpty()) {
          headers.remove(n);
        }
      }
    }
    for (String name : FIXED) {
      headers.remove(name);
    }
  }

  /** {@link #isHopByHop} for a name in any case, without lower-casing it. */
  private static boolean isHopByHopName(String name) {
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
