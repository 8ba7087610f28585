package io.wsgate.simulate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's virtual clock drives wsgate's real warm pool, launcher and reaper: three students arriving at
 * once against a scheduled pool of two, and a fourth at noon, get exactly what the real code does (two claims,
 * one cold start, the pool topped up to its target by the tick a claim triggers, each workspace stopped at the
 * first control tick more than the idle timeout after its last activity). The figures below are worked out by hand from that
 * behaviour; a change to the pool or reaper that the simulator does not follow changes them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SimulationDrivesRealPoolTest {

  static final long MIN = 60_000;

  @Test
  void threeArrivalsAgainstAPoolOfTwo() throws Exception {
    long day = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();
    long arrive = day + 10 * 60 * MIN + 30_000; // 10:00:30
    long noon = day + 12 * 60 * MIN;
    long end = day + 24 * 60 * MIN;
    List<Session> sessions = List.of(new Session("a", "code", arrive, arrive + 10 * MIN),
        new Session("b", "code", arrive, arrive + 10 * MIN), new Session("c", "code", arrive, arrive + 10 * MIN),
        new Session("d", "code", noon, noon + 10 * MIN));
    Scenario scenario = new Scenario("four", 4, sessions, day, day, end, ZoneOffset.UTC);
    Simulation.World world = new Simulation.World(Spread.parse("90s"), Spread.parse("200ms"), Duration.ofSeconds(60),
        "30m", 1);

    Outcome o = new Simulation(scenario, Policy.schedule("schedule", "* 2"), world).run().get("code");

    assertThat(o.launches()).isEqualTo(4);
    assertThat(o.warm()).as("the two ready members, each claimed once, and at noon a replacement").isEqualTo(3);
    assertThat(o.cold()).as("the third at 10:00:30 finds the pool empty").isEqualTo(1);
    assertThat(o.waits()).containsExactly(200L, 200L, 90_000L, 200L);
    // starting: the first two members at 00:00, the cold start, the two replacements the 10:00:30 claims' tick
    // launched, and the one replacement the noon claim's tick launched (the pool had one of two left)
    assertThat(o.startingMs).isEqualTo(6 * 90_000L);
    // warm and unclaimed: the first members from 00:01:30 until their claim at 10:00:30; the replacements from
    // 10:02:00, one until noon, one to the end of the day; the noon replacement from 12:01:30 to the end
    assertThat(o.warmMs).isEqualTo(2 * (arrive - (day + 90_000)) + (noon - (arrive + 90_000))
        + (end - (arrive + 90_000)) + (end - (noon + 90_000)));
    // used: ten minutes each (a and b from 10:00:30.2, c from 10:02:00, d from 12:00:00.2)
    assertThat(o.usedMs).isEqualTo(40 * MIN);
    // idle tail: a and b last active 10:10:30.2, stopped by the 10:41:00 tick (claimed at 10:00:30: 40.5 min,
    // 10 used); c last active 10:12:00, 10:42:00 is exactly 30 min (not more), stopped at 10:43:00 (41 min, 10 used);
    // d last active 12:10:00.2, stopped at 12:41:00 (41 min, 10 used)
    assertThat(o.idleMs).isEqualTo(2 * (30 * MIN + 30_000) + 31 * MIN + 31 * MIN);
  }
}
