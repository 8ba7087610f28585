package io.wsgate.store;

import io.wsgate.workspace.WorkspaceId;

/** Redis key layout, in one place. Every key starts with {@code wsgate:}. */
final class Keys {

  static final String EVENTS_CHANNEL = "wsgate:events";

  private Keys() {
  }

  static String workspace(WorkspaceId id) {
    return "wsgate:ws:" + id.value();
  }

  static String launchLock(WorkspaceId id) {
    return "wsgate:lock:launch:" + id.value();
  }

  static String failure(WorkspaceId id) {
    return "wsgate:fail:" + id.value();
  }
}
