package io.wsgate.simulate;

import java.util.HashSet;
import java.util.Set;

/** Figures about a scenario itself, printed above its table. */
final class Scenarios {

  private Scenarios() {
  }

  static long measuredSessions(Scenario s) {
    return s.sessions().stream().filter(x -> x.start() >= s.from() && x.start() < s.to()).count();
  }

  /** Hours of work per student and calendar day in the measured period. */
  static double useHoursPerStudentDay(Scenario s) {
    long ms = s.sessions().stream().filter(x -> x.start() >= s.from() && x.start() < s.to())
        .mapToLong(Session::lengthMillis).sum();
    return ms / 3_600_000.0 / s.students() / s.measuredDays();
  }

  static int studentsOf(Scenario s, String profile) {
    Set<String> users = new HashSet<>();
    s.sessions().stream().filter(x -> x.profile().equals(profile)).forEach(x -> users.add(x.user()));
    return Math.max(1, users.size());
  }
}
