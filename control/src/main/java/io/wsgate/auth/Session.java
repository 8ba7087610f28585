package io.wsgate.auth;

import io.wsgate.workspace.WorkspaceId;

/**
 * A signed-in user of one workspace, as carried by the session cookie.
 *
 * @param profile    profile chosen by the login token, or empty for the default
 * @param issuedAtMs when this cookie was issued; it is re-issued once more than half its lifetime has passed
 */
public record Session(WorkspaceId workspace, String user, String profile, long issuedAtMs, long expiresAtMs) {

  /** Whether more than half of the lifetime is used, so a fresh cookie should be sent. */
  public boolean wantsRefresh(long nowMs) {
    return nowMs - issuedAtMs > (expiresAtMs - issuedAtMs) / 2;
  }
}
