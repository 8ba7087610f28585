package io.wsgate.workspace;

import java.util.Objects;

/**
 * A workspace identifier: one DNS label (RFC 1035 / RFC 1123), lower case, 1 to 63 characters of
 * letters, digits and inner hyphens. It is the {@code <id>} of {@code ws-<id>.<domain>}, a Redis key
 * part, a directory name and an ECS tag value, so nothing outside this alphabet may ever get through.
 */
public record WorkspaceId(String value) {

  public static final int MAX_LENGTH = 63;

  public WorkspaceId {
    Objects.requireNonNull(value, "value");
    if (!isValid(value)) {
      throw new IllegalArgumentException("workspace id: '" + value
          + "' (expected: 1 to 63 of a-z, 0-9 and inner '-')");
    }
  }

  /** Whether {@code s} is a valid workspace id, without allocating. */
  public static boolean isValid(CharSequence s) {
    int n = s.length();
    if (n == 0 || n > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (!alnum && !(c == '-' && i > 0 && i < n - 1)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return value;
  }
}
