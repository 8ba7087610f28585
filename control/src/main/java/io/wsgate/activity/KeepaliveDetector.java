package io.wsgate.activity;

/**
 * Spots periodic keepalive messages on one direction of one WebSocket: the same size again and again at a
 * steady interval of at least a second. From the third such repetition on, messages of that rhythm are
 * keepalives; any other message breaks the rhythm. A person typing is neither that regular nor that slow.
 */
final class KeepaliveDetector {

  private static final long MIN_INTERVAL_MS = 1_000;
  private static final int REGULAR_AFTER = 2;

  private int lastSize = -1;
  private long lastAt;
  private long lastInterval;
  private int streak;

  /** Records a message; true if it is a keepalive. Not thread-safe: one per direction per connection. */
  boolean isKeepalive(int size, long now) {
    long interval = now - lastAt;
    boolean sameSize = size == lastSize;
    boolean steady = lastInterval >= MIN_INTERVAL_MS && interval >= MIN_INTERVAL_MS
        && Math.abs(interval - lastInterval) * 10 <= lastInterval;
    if (sameSize && steady) {
      streak++;
    } else if (!sameSize || interval < MIN_INTERVAL_MS) {
      streak = 0;
    }
    if (sameSize) {
      lastInterval = interval;
    } else {
      lastInterval = 0;
    }
    lastSize = size;
    lastAt = now;
    return streak >= REGULAR_AFTER;
  }
}
