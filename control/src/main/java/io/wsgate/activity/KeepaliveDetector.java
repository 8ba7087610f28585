package io.wsgate.activity;

/**
 * Spots periodic keepalive messages on one direction of one WebSocket. A message size becomes a heartbeat once
 * three messages of that size arrive at a steady interval (within 10 %) of at least a second; from then on, a
 * message of that size is a keepalive unless it comes sooner than its period. Pauses do not break a heartbeat:
 * an idle VS Code tab measures its latency with five pings two seconds apart once a minute, and every one of them
 * after the first burst is a keepalive. A message of a heartbeat's size that comes too soon (a keystroke that
 * happens to have that size) counts, and the size must show its rhythm again before it is ignored. Each size
 * has its own rhythm, so heartbeats of different sizes on one socket are each recognised. Not thread-safe: one
 * per direction per connection.
 */
final class KeepaliveDetector {

  private static final long MIN_INTERVAL_MS = 1_000;
  private static final int REGULAR_AFTER = 2;
  /** Sizes followed at once; the least recently seen is forgotten first, heartbeats last. */
  private static final int TRACKED = 8;

  private final int[] sizes = new int[TRACKED];
  private final long[] lastAt = new long[TRACKED];
  private final long[] lastInterval = new long[TRACKED];
  private final int[] streak = new int[TRACKED];
  /** The period of a size recognised as a heartbeat; 0 while it is not one. */
  private final long[] period = new long[TRACKED];
  private int used;

  /** Records a message; true if it is a keepalive. */
  boolean isKeepalive(int size, long now) {
    int i = slot(size);
    long interval = lastAt[i] == 0 ? 0 : now - lastAt[i];
    lastAt[i] = now;
    if (period[i] > 0) {
      if (interval * 10 >= period[i] * 9) {
        return true; // not sooner than its period: the heartbeat, perhaps after a pause
      }
      period[i] = 0; // too soon for the heartbeat: something else of the same size; learn the rhythm again
      streak[i] = 0;
      lastInterval[i] = interval;
      return false;
    }
    long previous = lastInterval[i];
    boolean steady = previous >= MIN_INTERVAL_MS && interval >= MIN_INTERVAL_MS
        && Math.abs(interval - previous) * 10 <= previous;
    streak[i] = steady ? streak[i] + 1 : 0;
    lastInterval[i] = interval;
    if (streak[i] >= REGULAR_AFTER) {
      period[i] = Math.min(interval, previous);
      return true;
    }
    return false;
  }

  private int slot(int size) {
    int evict = -1;
    for (int i = 0; i < used; i++) {
      if (sizes[i] == size) {
        return i;
      }
      if (evict < 0 || evictsBefore(i, evict)) {
        evict = i;
      }
    }
    int i = used < TRACKED ? used++ : evict;
    sizes[i] = size;
    lastAt[i] = 0;
    lastInterval[i] = 0;
    streak[i] = 0;
    period[i] = 0;
    return i;
  }

  /** Whether slot {@code a} is forgotten before slot {@code b}: sizes that are not heartbeats go first. */
  private boolean evictsBefore(int a, int b) {
    boolean aBeat = period[a] > 0;
    boolean bBeat = period[b] > 0;
    if (aBeat != bBeat) {
      return !aBeat;
    }
    return lastAt[a] < lastAt[b];
  }
}
