package io.wsgate.simulate;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A team's own sessions from CSV; every bad row is reported with its line number. */
class CsvScenarioTest {

  @Test
  void readsSessionsInTheScenarioZone() {
    Scenario s = CsvScenario.parse("lms.csv", List.of("user,profile,start,end",
        "alice,code,2026-03-02T09:00,2026-03-02T10:30",
        "bob,code,2026-03-02T07:30:00Z,2026-03-02T09:00:00Z",
        "# a comment", "",
        "alice,code,2026-03-03T09:00,2026-03-03T09:45"), 1, ZoneId.of("Europe/Berlin"));
    assertThat(s.students()).isEqualTo(2);
    assertThat(s.sessions()).hasSize(3);
    assertThat(s.sessions().get(0).user()).isEqualTo("bob");
    assertThat(s.sessions().get(1).start()).as("09:00 in Berlin").isEqualTo(Instant.parse("2026-03-02T08:00:00Z").toEpochMilli());
    assertThat(s.from()).as("one day of warm-up").isEqualTo(Instant.parse("2026-03-02T23:00:00Z").toEpochMilli());
  }

  @Test
  void badRowsAreReportedWithTheirLineNumbers() {
    assertThatThrownBy(() -> CsvScenario.parse("lms.csv", List.of("user,profile,start,end",
        "alice,code,2026-03-02T09:00",
        "Bob!,code,2026-03-02T09:00,2026-03-02T10:00",
        "carol,code,yesterday,2026-03-02T10:00",
        "dave,code,2026-03-02T10:00,2026-03-02T09:00",
        "erin,Code,2026-03-02T09:00,2026-03-02T10:00"), 0, ZoneId.of("UTC")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 bad row(s)")
        .hasMessageContaining("line 2: 3 fields (expected 4: user,profile,start,end)")
        .hasMessageContaining("line 3: user 'Bob!'")
        .hasMessageContaining("line 4: time 'yesterday'")
        .hasMessageContaining("line 5: end 2026-03-02T09:00 (expected: after start 2026-03-02T10:00)")
        .hasMessageContaining("line 6: profile 'Code'");
  }

  @Test
  void activityEventsCloserThanTheGapAreOneSession() {
    Scenario s = CsvScenario.parse("events.csv", List.of("user,profile,time",
        "alice,code,2026-03-02T09:00",
        "alice,code,2026-03-02T09:10",
        "bob,code,2026-03-02T09:05",
        "alice,code,2026-03-02T09:24",
        "# alice away for 16 minutes: a new session",
        "alice,code,2026-03-02T09:40",
        "alice,data,2026-03-02T09:12"), 0, ZoneId.of("UTC"), java.time.Duration.ofMinutes(15));
    assertThat(s.students()).isEqualTo(2);
    assertThat(s.sessions()).containsExactly(
        session("alice", "code", "09:00", "09:25"),
        session("bob", "code", "09:05", "09:06"),
        session("alice", "data", "09:12", "09:13"),
        session("alice", "code", "09:40", "09:41"));
  }

  @Test
  void activityEventsWithoutAHeaderAreKnownByTheirThreeFields() {
    Scenario s = CsvScenario.parse("events.csv", List.of(
        "alice,code,2026-03-02T09:00:00Z", "alice,code,2026-03-02T09:30:00Z"), 0, ZoneId.of("UTC"),
        java.time.Duration.ofMinutes(30));
    assertThat(s.sessions()).containsExactly(session("alice", "code", "09:00", "09:31"));
  }

  @Test
  void badActivityRowsAreReportedWithTheirLineNumbers() {
    assertThatThrownBy(() -> CsvScenario.parse("events.csv", List.of("user,profile,time",
        "alice,code,2026-03-02T09:00",
        "bob,code,2026-03-02T09:00,2026-03-02T10:00",
        "carol,code,noon",
        "Dave?,code,2026-03-02T09:00"), 0, ZoneId.of("UTC")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 bad row(s)")
        .hasMessageContaining("line 3: 4 fields (expected 3: user,profile,time)")
        .hasMessageContaining("line 4: time 'noon'")
        .hasMessageContaining("line 5: user 'Dave?'");
  }

  private static Session session(String user, String profile, String from, String to) {
    return new Session(user, profile, Instant.parse("2026-03-02T" + from + ":00Z").toEpochMilli(),
        Instant.parse("2026-03-02T" + to + ":00Z").toEpochMilli());
  }
}
