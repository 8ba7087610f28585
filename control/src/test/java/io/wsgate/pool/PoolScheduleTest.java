package io.wsgate.pool;

import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seed documents' schedule: weekdays 09:00-21:00 five warm workspaces, nights one, weekends two. */
class PoolScheduleTest {

  private final PoolSchedule seeds = PoolSchedule.parse("mon-fri 09:00-21:00 5, sat-sun 2, * 1");
  private final ZoneId berlin = ZoneId.of("Europe/Berlin");

  private int at(String localDateTime, ZoneId zone) {
    return seeds.targetAt(ZonedDateTime.of(java.time.LocalDateTime.parse(localDateTime), zone));
  }

  @Test
  void weekdayBoundaries() {
    assertThat(at("2026-11-23T08:59:59", berlin)).as("Monday before nine").isEqualTo(1);
    assertThat(at("2026-11-23T09:00:00", berlin)).as("Monday at nine").isEqualTo(5);
    assertThat(at("2026-11-23T20:59:59", berlin)).isEqualTo(5);
    assertThat(at("2026-11-23T21:00:00", berlin)).as("the end is exclusive").isEqualTo(1);
    assertThat(at("2026-11-27T12:00:00", berlin)).as("Friday noon").isEqualTo(5);
  }

  @Test
  void weekend() {
    assertThat(at("2026-11-28T12:00:00", berlin)).as("Saturday").isEqualTo(2);
    assertThat(at("2026-11-29T23:59:00", berlin)).as("Sunday night").isEqualTo(2);
    assertThat(at("2026-11-30T00:00:00", berlin)).as("Monday just after midnight").isEqualTo(1);
  }

  @Test
  void timeZoneDecidesTheDay() {
    // Monday 08:30 UTC is 09:30 in Berlin (winter time) and 03:30 in New York
    ZonedDateTime utc = ZonedDateTime.parse("2026-11-23T08:30:00Z");
    assertThat(seeds.targetAt(utc.withZoneSameInstant(berlin))).isEqualTo(5);
    assertThat(seeds.targetAt(utc.withZoneSameInstant(ZoneId.of("America/New_York")))).isEqualTo(1);
    // Saturday 23:30 UTC is already Sunday in Tokyo, still the weekend; Sunday 23:30 UTC is Monday in Tokyo
    assertThat(seeds.targetAt(ZonedDateTime.parse("2026-11-29T23:30:00Z").withZoneSameInstant(ZoneId.of("Asia/Tokyo"))))
        .isEqualTo(1);
  }

  @Test
  void rangeAcrossMidnightBelongsToTheDayItStarts() {
    PoolSchedule nights = PoolSchedule.parse("fri 22:00-06:00 3, * 0");
    assertThat(nights.targetAt(ZonedDateTime.parse("2026-11-27T23:00:00Z"))).as("Friday 23:00").isEqualTo(3);
    assertThat(nights.targetAt(ZonedDateTime.parse("2026-11-28T05:59:00Z"))).as("Saturday 05:59").isEqualTo(3);
    assertThat(nights.targetAt(ZonedDateTime.parse("2026-11-28T06:00:00Z"))).isZero();
    assertThat(nights.targetAt(ZonedDateTime.parse("2026-11-27T05:00:00Z"))).as("Friday 05:00").isZero();
  }

  @Test
  void emptyScheduleMeansNoPool() {
    assertThat(PoolSchedule.parse("").isEmpty()).isTrue();
    assertThat(PoolSchedule.parse("").targetAt(ZonedDateTime.now())).isZero();
  }

  @Test
  void badRulesSayWhatIsWrong() {
    assertThatThrownBy(() -> PoolSchedule.parse("weekdays 5")).hasMessageContaining("'weekdays'");
    assertThatThrownBy(() -> PoolSchedule.parse("mon 9-17 5")).hasMessageContaining("'9'");
    assertThatThrownBy(() -> PoolSchedule.parse("mon 09:00-17:00 many")).hasMessageContaining("pool size");
  }
}
