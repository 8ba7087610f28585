package io.wsgate.proxy.routing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Paths on a workspace that only the gateway may call (the warm pool's assign hook): a client request for
 * one is refused however it is spelled, since the workspace's own server may decode {@code %61},
 * collapse {@code //} or resolve {@code ..} before it routes.
 */
public final class ReservedPaths {

  private final Set<String> paths = new HashSet<>();

  public ReservedPaths(Iterable<String> reserved) {
    for (String p : reserved) {
      if (p != null && !p.isEmpty()) {
        paths.add(normalize(p));
      }
    }
  }

  public boolean isReserved(String rawPath) {
    return !paths.isEmpty() && paths.contains(normalize(rawPath));
  }

  static String normalize(String raw) {
    String p = percentDecode(raw).replace('\\', '/');
    while (p.contains("//")) {
      p = p.replace("//", "/");
    }
    try {
      p = URI.create("http://x" + (p.startsWith("/") ? "" : "/") + p.replace(" ", "%20")
          .replace("#", "%23").replace("?", "%3F")).normalize().getRawPath();
    } catch (IllegalArgumentException e) {
      // not a parseable path: compare as it is
    }
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.toLowerCase(Locale.ROOT);
  }

  private static String percentDecode(String s) {
    // repeated, so double encoding (%2561) cannot hide a reserved path either
    for (int round = 0; round < 3 && s.indexOf('%') >= 0; round++) {
      byte[] out = new byte[s.length()];
      int n = 0;
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
          out[n++] = (byte) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
          i += 2;
        } else {
          out[n++] = (byte) c;
        }
      }
      s = new String(out, 0, n, StandardCharsets.ISO_8859_1);
    }
    return s;
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}
