package io.wsgate.pool;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A warm pool's target size over the week: rules such as {@code mon-fri 09:00-21:00 5, sat-sun 2, * 1},
 * first match wins, no match means 0. A time range whose end is not after its start wraps past midnight
 * ({@code 21:00-09:00}); the end is exclusive.
 */
public final class PoolSchedule {

  /** One rule: on these days, in this time range, keep this many. */
  record Rule(Set<DayOfWeek> days, LocalTime from, LocalTime to, int size) {
    boolean matches(DayOfWeek day, LocalTime time) {
      if (from == null) {
        return days.contains(day);
      }
      if (from.isBefore(to)) {
        return days.contains(day) && !time.isBefore(from) && time.isBefore(to);
      }
      // wraps midnight: the part after midnight belongs to the previous day's rule
      if (!time.isBefore(from)) {
        return days.contains(day);
      }
      return time.isBefore(to) && days.contains(day.minus(1));
    }
  }

  public static final PoolSchedule NONE = new PoolSchedule(List.of(), "");

  private final List<Rule> rules;
  private final String text;

  private PoolSchedule(List<Rule> rules, String text) {
    this.rules = rules;
    this.text = text;
  }

  /** Parses a schedule; throws {@link IllegalArgumentException} naming the bad part. */
  public static PoolSchedule parse(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      return NONE;
    }
    List<Rule> rules = new ArrayList<>();
    for (String part : t.split(",")) {
      rules.add(rule(part.trim()));
    }
    return new PoolSchedule(List.copyOf(rules), t);
  }

  private static Rule rule(String part) {
    String[] tokens = part.toLowerCase(Locale.ROOT).split("\\s+");
    if (tokens.length == 0 || tokens[0].isEmpty()) {
      throw new IllegalArgumentException("empty rule");
    }
    int size;
    try {
      size = Integer.parseInt(tokens[tokens.length - 1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + part + "' does not end with a pool size");
    }
    if (size < 0 || size > 1000) {
      throw new IllegalArgumentException("'" + part + "': pool size " + size + " (expected: 0 to 1000)");
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    LocalTime from = null;
    LocalTime to = null;
    for (int i = 0; i < tokens.length - 1; i++) {
      String tok = tokens[i];
      if (tok.contains(":")) {
        String[] range = tok.split("-");
        if (range.length != 2) {
          throw new IllegalArgumentException("'" + tok + "' (expected a time range such as 09:00-21:00)");
        }
        from = time(range[0]);
        to = time(range[1]);
      } else if (tok.equals("*")) {
        days.addAll(EnumSet.allOf(DayOfWeek.class));
      } else {
        String[] range = tok.split("-");
        DayOfWeek a = day(range[0]);
        DayOfWeek b = range.length > 1 ? day(range[1]) : a;
        for (DayOfWeek d = a; ; d = d.plus(1)) {
          days.add(d);
          if (d == b) {
            break;
          }
        }
      }
    }
    if (days.isEmpty()) {
      days.addAll(EnumSet.allOf(DayOfWeek.class));
    }
    return new Rule(days, from, to, size);
  }

  private static LocalTime time(String s) {
    try {
      return s.equals("24:00") ? LocalTime.MAX : LocalTime.parse(s.length() == 4 ? "0" + s : s);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + s + "' (expected a time such as 09:00)");
    }
  }

  private static DayOfWeek day(String s) {
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().toLowerCase(Locale.ROOT).startsWith(s) && s.length() >= 3) {
        return d;
      }
    }
    throw new IllegalArgumentException("'" + s + "' (expected a day such as mon, tue, ... sun)");
  }

  /** The target size at {@code when} (in the schedule's time zone). */
  public int targetAt(ZonedDateTime when) {
    DayOfWeek day = when.getDayOfWeek();
    LocalTime time = when.toLocalTime();
    for (Rule r : rules) {
      if (r.matches(day, time)) {
        return r.size();
      }
    }
    return 0;
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  @Override
  public String toString() {
    return text;
  }
}
