package io.wsgate.store;

import io.wsgate.workspace.WorkspaceId;

import java.util.Optional;

/**
 * A change to a workspace's record, published on {@code wsgate:events} so every replica's route cache
 * and waiting launches learn of it at once. Wire form: {@code <kind> <id> <launchId>}.
 */
public record RouteEvent(Kind kind, WorkspaceId id, String launchId) {

  /** What changed. */
  public enum Kind {
    /** A route was recorded (the workspace is ready). */
    UP,
    /** The route was removed (stopped, dead, reaped). */
    DOWN,
    /** Launch progress or failure changed; no route change. */
    PROGRESS,
    /** A warm pool changed (a member was claimed or became ready); the id is the profile name. */
    POOL
  }

  String wire() {
    return kind.name() + " " + id.value() + " " + launchId;
  }

  static Optional<RouteEvent> parse(String s) {
    String[] parts = s.split(" ", 3);
    if (parts.length != 3 || !WorkspaceId.isValid(parts[1])) {
      return Optional.empty();
    }
    try {
      return Optional.of(new RouteEvent(Kind.valueOf(parts[0]), new WorkspaceId(parts[1]), parts[2]));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
