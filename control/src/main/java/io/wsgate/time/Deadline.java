package io.wsgate.time;

import java.time.Duration;

/**
 * A moment on the monotonic clock after which a local wait gives up. Immutable; safe to share between threads.
 * See {@link io.wsgate.time} for which waits use it.
 */
public final class Deadline {

  private final long atNanos;

  private Deadline(long atNanos) {
    this.atNanos = atNanos;
  }

  /** The moment {@code timeout} from now. */
  public static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos());
  }

  /** Whether the moment has come. */
  public boolean passed() {
    return System.nanoTime() - atNanos >= 0;
  }

  /** Whole milliseconds left, rounded up, at least 0. */
  public long remainingMillis() {
    long nanos = atNanos - System.nanoTime();
    return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
  }

  @Override
  public String toString() {
    return "Deadline[" + remainingMillis() + " ms left]";
  }
}
