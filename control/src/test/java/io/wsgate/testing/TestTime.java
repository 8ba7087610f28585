package io.wsgate.testing;

import java.time.Duration;
import java.time.Instant;

/**
 * Fixed instants for tests that run on an injected clock. Every such instant is made here, so one setting moves
 * them all: {@code -Dwsgate.test.shiftWeeks=N} (Maven passes it to the tests) shifts each by N whole weeks, keeping
 * its weekday and UTC time of day, which pool schedules and idle times depend on. A run with a large negative and
 * one with a large positive N shows that no test depends on where today's date lies relative to its instants.
 */
public final class TestTime {

  public static final String SHIFT_WEEKS = "wsgate.test.shiftWeeks";

  private TestTime() {
  }

  /** {@code iso} (e.g. {@code 2026-11-23T10:00:00Z}), moved by the configured shift. */
  public static Instant at(String iso) {
    return Instant.parse(iso).plus(shift());
  }

  /** How far the fixed instants are moved in this run. */
  public static Duration shift() {
    String weeks = System.getProperty(SHIFT_WEEKS, "").trim();
    return weeks.isEmpty() ? Duration.ZERO : Duration.ofDays(7 * Long.parseLong(weeks));
  }
}
