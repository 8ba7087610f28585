package io.wsgate.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A calendar {@link Clock} that only its owner moves: the simulator's virtual time, and tests that let idle timeouts
 * and schedules pass without waiting. Give it where wsgate takes its injected clock; never compare it with the wall
 * clock (see {@link io.wsgate.time}). Thread-safe.
 */
public final class ManualClock extends Clock {

  private final AtomicLong millis;

  public ManualClock(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  /** Sets the time, in either direction. */
  public void set(Instant t) {
    millis.set(t.toEpochMilli());
  }

  /** Moves the clock to {@code t}, forward only: the simulator's time never runs backwards. */
  public void moveTo(long t) {
    long now = millis.get();
    if (t < now) {
      throw new IllegalArgumentException("moveTo: " + t + " (expected: >= " + now + ")");
    }
    millis.set(t);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }
}
