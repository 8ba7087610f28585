package io.wsgate.simulate;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulation's calendar: the {@link Clock} every wsgate class under simulation is given. Only the simulator
 * moves it, and only forward, from one event to the next.
 */
public final class VirtualClock extends Clock {

  private final AtomicLong millis;

  public VirtualClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  /** Moves the clock to {@code t}; time never runs backwards. */
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
