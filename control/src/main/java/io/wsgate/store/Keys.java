package io.wsgate.store;

import io.wsgate.workspace.WorkspaceId;

/** Redis key layout, in one place. Every key starts with {@code wsgate:}. */
final class Keys {

  static final String EVENTS_CHANNEL = "wsgate:events";
  static final String WORKSPACE_PREFIX = "wsgate:ws:";
  /** Recent launches of the whole fleet, newest first, capped (the admin server's list). */
  static final String LAUNCHES = "wsgate:launches";

  private Keys() {
  }

  static String workspace(WorkspaceId id) {
    return WORKSPACE_PREFIX + id.value();
  }

  static String launchLock(WorkspaceId id) {
    return "wsgate:lock:launch:" + id.value();
  }

  static String idleStopped(WorkspaceId id) {
    return "wsgate:idle-stopped:" + id.value();
  }

  static String failure(WorkspaceId id) {
    return "wsgate:fail:" + id.value();
  }
}
