package io.wsgate.activity;

/**
 * Spots periodic keepalive messages on one direction of one WebSocket: messages of one size that keep
 * arriving at a steady interval of at least a second. Each size has its own rhythm, so heartbeats of
 * different sizes interleaved on one socket (as VS Code's protocol sends them) are each recognised. From
 * the third such repetition on, messages of that rhythm are keepalives; a message of the same size out of
 * rhythm (a keystroke that happens to have that size) breaks it and counts. Not thread-safe: one per
 * direction per connection.
 */
final class KeepaliveDetector {

  private static final long MIN_INTERVAL_MS = 1_000;
  private static final int REGULAR_AFTER = 2;
  /** Sizes followed at once; the least recently seen is forgotten first. */
  private static final int TRACKED = 8;

  private final int[] sizes = new int[TRACKED];
  private final long[] lastAt = new long[TRACKED];
  private final long[] lastInterval = new long[TRACKED];
  private final int[] streak = new int[TRACKED];
  private int used;

  /** Records a message; true if it is a keepalive. */
  boolean isKeepalive(int size, long now) {
    int i = slot(size, now);
    long interval = now - lastAt[i];
    boolean steady = lastInterval[i] >= MIN_INTERVAL_MS && interval >= MIN_INTERVAL_MS
        && Math.abs(interval - lastInterval[i]) * 10 <= lastInterval[i];
    if (steady) {
      streak[i]++;
    } else {
      streak[i] = 0;
    }
    lastInterval[i] = lastAt[i] == 0 ? 0 : interval;
    lastAt[i] = now;
    return streak[i] >= REGULAR_AFTER;
  }

  private int slot(int size, long now) {
    int oldest = 0;
    for (int i = 0; i < used; i++) {
      if (sizes[i] == size) {
        return i;
      }
      if (lastAt[i] < lastAt[oldest]) {
        oldest = i;
      }
    }
    int i = used < TRACKED ? used++ : oldest;
    sizes[i] = size;
    lastAt[i] = 0;
    lastInterval[i] = 0;
    streak[i] = 0;
    return i;
  }
}
