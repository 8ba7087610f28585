package io.wsgate.proxy.admin;

import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * The admin server's optional token. Machines send {@code Authorization: Bearer <token>}; a browser opening
 * the status page is asked for it by its own Basic-auth prompt (any user name, the token as password), so
 * the page needs no login form and the token never appears in a URL. Compared in constant time.
 */
final class AdminAuth {

  private final byte[] token;

  AdminAuth(Optional<String> token) {
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
  }

  boolean required() {
    return token != null;
  }

  boolean allowed(HttpServerRequest req) {
    if (token == null) {
      return true;
    }
    String header = req.getHeader("authorization");
    if (header == null) {
      return false;
    }
    String presented = null;
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      presented = header.substring(7).trim();
    } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        presented = colon < 0 ? null : decoded.substring(colon + 1);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return presented != null && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
  }
}
