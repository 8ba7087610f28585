package io.wsgate.proxy.http;

import io.vertx.core.MultiMap;

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

  public static boolean isHopByHop(String lowerCaseName) {
    return FIXED.contains(lowerCaseName);
  }
}
