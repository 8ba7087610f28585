package io.wsgate.simulate;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who arrives when: sessions sorted by start, the period they fall in, and the time zone their schedules mean.
 *
 * @param name     how the report calls it ({@code seeds-100}, the CSV's file name)
 * @param students distinct users (the always-on comparison runs one container for each)
 * @param from     start of the measured period (epoch ms); sessions before it warm up the fleet and its history
 * @param to       end of the measured period
 */
public record Scenario(String name, int students, List<Session> sessions, long warmUpFrom, long from, long to,
                       ZoneId zone) {

  public Scenario {
    List<Session> sorted = new ArrayList<>(sessions);
    sorted.sort(Comparator.comparingLong(Session::start).thenComparing(Session::user));
    sessions = List.copyOf(sorted);
  }

  public Set<String> profiles() {
    Set<String> out = new TreeSet<>();
    sessions.forEach(s -> out.add(s.profile()));
    return out;
  }

  public double measuredDays() {
    return (to - from) / 86_400_000.0;
  }
}
