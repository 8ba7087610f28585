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
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A team's own sessions, one per line: {@code user,profile,start,end}, times as ISO-8601 instants
 * ({@code 2026-03-02T09:14:00Z}) or local date-times in the scenario's zone ({@code 2026-03-02T09:14}). A header
 * line is allowed; bad rows are reported all at once with their line numbers. The first {@code warmUpDays} days of
 * the file warm the fleet up and are not measured.
 */
public final class CsvScenario {

  private static final Pattern USER = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern PROFILE = Pattern.compile("[a-z][a-z0-9]{0,30}");

  private CsvScenario() {
  }

  public static Scenario read(Path file, int warmUpDays, ZoneId zone) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--scenario: " + file + " (expected a CSV file of user,profile,start,end)");
    }
    return parse(file.getFileName().toString(), Files.readAllLines(file), warmUpDays, zone);
  }

  static Scenario parse(String name, List<String> lines, int warmUpDays, ZoneId zone) {
    List<Session> sessions = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<String> users = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      int n = i + 1;
      if (line.isEmpty() || line.startsWith("#") || (i == 0 && line.toLowerCase().startsWith("user,"))) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != 4) {
        problems.add("line " + n + ": " + f.length + " fields (expected 4: user,profile,start,end)");
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
      Long end = time(f[3].trim(), zone);
      if (start == null || end == null) {
        problems.add("line " + n + ": time '" + (start == null ? f[2].trim() : f[3].trim())
            + "' (expected 2026-03-02T09:14:00Z or 2026-03-02T09:14)");
        continue;
      }
      if (end <= start) {
        problems.add("line " + n + ": end " + f[3].trim() + " (expected: after start " + f[2].trim() + ")");
        continue;
      }
      users.add(user);
      sessions.add(new Session(user, profile, start, end));
    }
    if (problems.isEmpty() && sessions.isEmpty()) {
      problems.add("no sessions (expected lines of user,profile,start,end)");
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
