package io.wsgate.simulate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A team's own traffic from CSV, in one of two shapes (the header, or else the first row's field count, says which):
 * <ul>
 *   <li>sessions, {@code user,profile,start,end}: a student at work from start to end;</li>
 *   <li>activity events, {@code user,profile,time}: a moment a student was at work (an LMS log line, a page view,
 *   an edit). A user's events in one profile that follow each other within {@code gap} are one session, from
 *   the first event to one minute after the last ({@link #EVENT_MS}: an event stands for a minute of work).</li>
 * </ul>
 * Times are ISO-8601 instants ({@code 2026-03-02T09:14:00Z}) or local date-times in the scenario's zone
 * ({@code 2026-03-02T09:14}). A header line is allowed, {@code #} starts a comment; bad rows are reported all at
 * once with their line numbers. The first {@code warmUpDays} days of the file warm the fleet up and are not
 * measured.
 */
public final class CsvScenario {

  /** How long one activity event counts as work. */
  static final long EVENT_MS = 60_000;
  /** Events of a user closer than this are one session, unless told otherwise. */
  public static final java.time.Duration DEFAULT_GAP = java.time.Duration.ofMinutes(15);

  private static final Pattern USER = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern PROFILE = Pattern.compile("[a-z][a-z0-9]{0,30}");

  private CsvScenario() {
  }

  public static Scenario read(Path file, int warmUpDays, ZoneId zone) throws IOException {
    return read(file, warmUpDays, zone, DEFAULT_GAP);
  }

  public static Scenario read(Path file, int warmUpDays, ZoneId zone, java.time.Duration gap) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--scenario: " + file
          + " (expected a CSV file of user,profile,start,end or user,profile,time)");
    }
    return parse(file.getFileName().toString(), Files.readAllLines(file), warmUpDays, zone, gap);
  }

  static Scenario parse(String name, List<String> lines, int warmUpDays, ZoneId zone) {
    return parse(name, lines, warmUpDays, zone, DEFAULT_GAP);
  }

  static Scenario parse(String name, List<String> lines, int warmUpDays, ZoneId zone, java.time.Duration gap) {
    int fields = shape(lines);
    String expected = fields == 3 ? "3: user,profile,time" : "4: user,profile,start,end";
    List<Session> sessions = new ArrayList<>();
    Map<String, List<Long>> events = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    Set<String> users = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      int n = i + 1;
      if (line.isEmpty() || line.startsWith("#") || (i == 0 && line.toLowerCase().startsWith("user,"))) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != fields) {
        problems.add("line " + n + ": " + f.length + " fields (expected " + expected + ")");
        continue;
      }
      String user = f[0].trim().toLowerCase();
      String profile = f[1].trim();
      if (!USER.matcher(user).matches()) {
        problems.add("line " + n + ": user '" + f[0].trim() + "' (expected 1 to 63 of a-z, 0-9 and inner '-')");
        continue;
      }
      if (!PROFILE.matcher(profile).matches()) {
        problems.add("line " + n + ": profile '" + profile + "' (expected a lower-case letter, then letters and digits)");
        continue;
      }
      Long start = time(f[2].trim(), zone);
      Long end = fields == 3 ? start : time(f[3].trim(), zone);
      if (start == null || end == null) {
        problems.add("line " + n + ": time '" + (start == null ? f[2].trim() : f[3].trim())
            + "' (expected 2026-03-02T09:14:00Z or 2026-03-02T09:14)");
        continue;
      }
      if (fields == 3) {
        users.add(user);
        events.computeIfAbsent(user + "," + profile, k -> new ArrayList<>()).add(start);
        continue;
      }
      if (end <= start) {
        problems.add("line " + n + ": end " + f[3].trim() + " (expected: after start " + f[2].trim() + ")");
        continue;
      }
      users.add(user);
      sessions.add(new Session(user, profile, start, end));
    }
    events.forEach((key, times) -> sessions.addAll(sessionsOf(key, times, gap.toMillis())));
    if (problems.isEmpty() && sessions.isEmpty()) {
      problems.add("no sessions (expected lines of user,profile,start,end or user,profile,time)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(name + ": " + problems.size() + " bad row(s):\n  "
          + String.join("\n  ", problems.subList(0, Math.min(20, problems.size())))
          + (problems.size() > 20 ? "\n  ..." : ""));
    }
    long first = sessions.stream().mapToLong(Session::start).min().orElseThrow();
    long last = sessions.stream().mapToLong(Session::end).max().orElseThrow();
    long day = 86_400_000L;
    long warmUpFrom = Instant.ofEpochMilli(first).atZone(zone).toLocalDate().atStartOfDay(zone).toInstant().toEpochMilli();
    long from = Math.min(warmUpFrom + warmUpDays * day, last - 1);
    long to = Instant.ofEpochMilli(last).atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant()
        .toEpochMilli();
    return new Scenario(name, users.size(), sessions, warmUpFrom, from, to, zone);
  }

  /**
   * 3 for activity events, 4 for sessions: from the header if there is one, else from the first row (a row of
   * neither shape is reported against the sessions' shape).
   */
  private static int shape(List<String> lines) {
    for (String raw : lines) {
      String line = raw.trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      return line.split(",", -1).length == 3 ? 3 : 4;
    }
    return 4;
  }

  /** One user's events in one profile, as sessions: runs of events each within {@code gapMs} of the one before. */
  private static List<Session> sessionsOf(String key, List<Long> times, long gapMs) {
    String[] userProfile = key.split(",", 2);
    List<Session> out = new ArrayList<>();
    List<Long> sorted = new ArrayList<>(times);
    sorted.sort(null);
    long first = sorted.get(0);
    long last = first;
    for (long t : sorted.subList(1, sorted.size())) {
      if (t - last > gapMs) {
        out.add(new Session(userProfile[0], userProfile[1], first, last + EVENT_MS));
        first = t;
      }
      last = t;
    }
    out.add(new Session(userProfile[0], userProfile[1], first, last + EVENT_MS));
    return out;
  }

  private static Long time(String s, ZoneId zone) {
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(s).atZone(zone).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
