package io.wsgate.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Proof that an assign request comes from the gateway, checked by the warm pool member that receives it (the demo,
 * the workspace agent). Path reservation keeps students' requests away from the hook, but between the gateway and
 * a member there is nothing else, and an assign hands a student's files to whoever holds the member.
 *
 * <p>The scheme, kept simple on purpose:
 * <ul>
 *   <li>Each member gets its own secret when it is started, in {@value #SECRET_ENV} (never a flag: flags show in
 *       {@code ps}). The secret is {@code HMAC-SHA256(gateway key, "wsgate-assign-secret\n" + launchId)}: any
 *       replica derives it from the launch id in the pool member record, so Redis never holds a secret, and one
 *       member's secret (readable by the student it is given to) says nothing about another's.</li>
 *   <li>The assign request carries {@value #TIMESTAMP_HEADER} (Unix seconds) and {@value #SIGNATURE_HEADER}:
 *       {@code v1=} base64url {@code HMAC-SHA256(secret, method + "\n" + uri + "\n" + timestamp + "\n" + body)},
 *       one per gateway key, comma-separated, so a member started before a key rotation still finds the one made
 *       with its key.</li>
 *   <li>A member accepts it within {@value #WINDOW_SECONDS} s of its own clock, either way; a replay within that
 *       window meets a member that is no longer unassigned (the hook takes one assignment).</li>
 * </ul>
 */
public final class AssignSignature {

  /** The environment variable a warm pool member finds its secret in. */
  public static final String SECRET_ENV = "WSGATE_ASSIGN_SECRET";
  public static final String TIMESTAMP_HEADER = "x-wsgate-assign-timestamp";
  public static final String SIGNATURE_HEADER = "x-wsgate-assign-signature";
  /** Largest difference between the request's timestamp and the member's clock, in seconds. */
  public static final long WINDOW_SECONDS = 60;

  private static final String VERSION = "v1=";
  private static final String SECRET_LABEL = "wsgate-assign-secret\n";

  private AssignSignature() {
  }

  /** The secret of the pool member launched as {@code launchId}, under gateway key {@code key}. */
  public static String memberSecret(KeyRing.Key key, String launchId) {
    Objects.requireNonNull(launchId, "launchId");
    return base64(hmac(key.secret(), (SECRET_LABEL + launchId).getBytes(StandardCharsets.UTF_8)));
  }

  /** The {@value #SIGNATURE_HEADER} value for a request to the member launched as {@code launchId}. */
  public static String header(KeyRing keys, String launchId, String method, String uri, long epochSeconds,
                              byte[] body) {
    List<String> signatures = new ArrayList<>();
    for (KeyRing.Key key : keys.all()) {
      signatures.add(VERSION + sign(memberSecret(key, launchId), method, uri, epochSeconds, body));
    }
    return String.join(",", signatures);
  }

  /** base64url {@code HMAC-SHA256(secret, method \n uri \n timestamp \n body)}. */
  public static String sign(String secret, String method, String uri, long epochSeconds, byte[] body) {
    byte[] head = (method + "\n" + uri + "\n" + epochSeconds + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] message = new byte[head.length + body.length];
    System.arraycopy(head, 0, message, 0, head.length);
    System.arraycopy(body, 0, message, head.length, body.length);
    return base64(hmac(secret.getBytes(StandardCharsets.UTF_8), message));
  }

  /**
   * Checks an assign request on the member's side. Empty if it is the gateway's; otherwise why not (for the
   * member's log and a 401 body: it names no secret).
   *
   * @param secret the member's {@value #SECRET_ENV}; null or blank refuses everything
   */
  public static Optional<String> problem(String secret, String method, String uri, String timestamp,
                                         String signatures, byte[] body, long nowEpochSeconds) {
    if (secret == null || secret.isBlank()) {
      return Optional.of("this workspace has no " + SECRET_ENV + ", so it accepts no assignment");
    }
    if (timestamp == null || signatures == null) {
      return Optional.of("unsigned assign request (expected: " + TIMESTAMP_HEADER + " and " + SIGNATURE_HEADER + ")");
    }
    long sent;
    try {
      sent = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return Optional.of(TIMESTAMP_HEADER + ": not a number of seconds");
    }
    if (Math.abs(nowEpochSeconds - sent) > WINDOW_SECONDS) {
      return Optional.of(TIMESTAMP_HEADER + ": " + (nowEpochSeconds - sent) + " s from this workspace's clock "
          + "(expected: within " + WINDOW_SECONDS + " s)");
    }
    byte[] expected = sign(secret, method, uri, sent, body).getBytes(StandardCharsets.US_ASCII);
    for (String candidate : signatures.split(",")) {
      String c = candidate.trim();
      if (c.startsWith(VERSION)
          && MessageDigest.isEqual(expected, c.substring(VERSION.length()).getBytes(StandardCharsets.US_ASCII))) {
        return Optional.empty();
      }
    }
    return Optional.of(SIGNATURE_HEADER + ": does not match");
  }

  private static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
