package io.wsgate.activity;

/**
 * The last activity of one workspace on this replica: written on the hot path with plain volatile stores
 * (no allocation, no lock), read by the flusher. Concurrent writers may interleave fields; the result is
 * still "active at about this time, for about this reason", which is all the reaper needs.
 */
public final class ActivityMark {

  volatile long lastMillis;
  volatile long flushedMillis;
  volatile ActivitySource source;
  volatile long bytes;
  /** WebSockets of the workspace open on this replica, and whether that changed since the last flush. */
  final java.util.concurrent.atomic.AtomicInteger sockets = new java.util.concurrent.atomic.AtomicInteger();
  volatile boolean socketsChanged;
  /**
   * When the workspace last sent a whole WebSocket message on this replica ({@link System#nanoTime}), whatever the
   * activity policy counts: proof that it lives, for a workspace whose port refuses new connections.
   */
  volatile long workspaceSpokeNanos;
  volatile boolean workspaceSpoke;

  void set(long now, ActivitySource source, long bytes) {
    this.source = source;
    this.bytes = bytes;
    this.lastMillis = now;
  }

  /** Why the workspace was last considered active, e.g. {@code ws message 212 B from client}. */
  String reason() {
    ActivitySource s = source;
    return s == null ? "unknown" : s.describe(bytes);
  }
}
