package io.wsgate.proxy.ws;

import io.vertx.core.MultiMap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The opening handshake of a tunnelled WebSocket (RFC 6455 section 4): the workspace is sent the client's own
 * {@code Sec-WebSocket-Key}, so its {@code Sec-WebSocket-Accept} is the one the client expects, and its answer is
 * checked before the client gets a 101: the right accept value, a protocol the client offered, and no extension
 * (none was offered: an extension would change the frames the gateway passes through unchanged).
 */
final class Handshake {

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private Handshake() {
  }

  /** A key is 16 bytes in base64 (section 4.1). */
  static boolean isValidKey(String key) {
    try {
      return Base64.getDecoder().decode(key.trim()).length == 16;
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }

  static String accept(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }

  /** The protocols a client offered (one or more headers of comma-separated names), as one header value; or null. */
  static String protocols(List<String> headers) {
    List<String> names = offered(headers);
    return names.isEmpty() ? null : String.join(", ", names);
  }

  /** Why the workspace's 101 cannot be passed on, or null if it can. */
  static String problem(MultiMap answer, String key, String offered) {
    if (!"websocket".equalsIgnoreCase(trimmed(answer.get("upgrade")))) {
      return "Upgrade: " + answer.get("upgrade");
    }
    if (!accept(key).equals(trimmed(answer.get("sec-websocket-accept")))) {
      return "wrong Sec-WebSocket-Accept";
    }
    if (answer.contains("sec-websocket-extensions")) {
      return "an extension nobody offered: " + answer.get("sec-websocket-extensions");
    }
    String protocol = trimmed(answer.get("sec-websocket-protocol"));
    if (protocol != null && (offered == null || !offered(List.of(offered)).contains(protocol))) {
      return "a protocol the client did not offer: " + protocol;
    }
    return null;
  }

  private static List<String> offered(List<String> headers) {
    List<String> names = new ArrayList<>();
    for (String header : headers) {
      for (String p : header.split(",")) {
        if (!p.isBlank()) {
          names.add(p.trim());
        }
      }
    }
    return names;
  }

  private static String trimmed(String s) {
    return s == null ? null : s.trim();
  }
}
