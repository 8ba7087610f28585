package io.wsgate.time;

/**
 * How long since a moment on the monotonic clock: for durations that are logged, metered or integrated, never for
 * a timestamp that another replica or the calendar reads. See {@link io.wsgate.time}.
 */
public final class Stopwatch {

  private final long startNanos;

  private Stopwatch(long startNanos) {
    this.startNanos = startNanos;
  }

  public static Stopwatch start() {
    return new Stopwatch(System.nanoTime());
  }

  public long elapsedNanos() {
    return System.nanoTime() - startNanos;
  }

  public long elapsedMillis() {
    return elapsedNanos() / 1_000_000;
  }

}
