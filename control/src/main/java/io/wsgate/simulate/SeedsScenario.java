package io.wsgate.simulate;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in scenarios {@code seeds-100} and {@code seeds-1000}: the seed documents' students, generated from one
 * seed so the same seed always gives the same sessions.
 *
 * <p>How a day is generated, per student: on a weekday 2 sittings with probability 0.85, else 1; on a weekend day
 * 1 sitting with probability 0.45, else none. A sitting lasts 20 min to 5 h (log-normal, median 2 h) and
 * starts uniformly between 09:00 and 21:00 (weekends 11:00-19:00), later sittings at least 30 min after the last
 * one ended. On top, classes: the students are split into classes of 30, each class meets twice a week (fixed
 * weekday and hour between 09:00 and 17:00, drawn once) and its students open their workspaces within two
 * minutes of the class start (85% attend), working 50 to 120 minutes. Sittings that would overlap a class are
 * dropped. This comes to about 3 hours of use per student and calendar day, most of it on weekdays.
 */
public final class SeedsScenario {

  /** Students per class, and the window in which a class opens its workspaces. */
  static final int CLASS_SIZE = 30;
  static final long BURST_MS = 120_000;

  private SeedsScenario() {
  }

  /**
   * @param students  how many
   * @param firstDay  the first measured day (a Monday keeps weeks aligned)
   * @param days      measured days
   * @param warmUpDays days before {@code firstDay} that are simulated but not measured
   */
  public static Scenario generate(String name, int students, String profile, LocalDate firstDay, int days,
                                  int warmUpDays, ZoneId zone, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    LocalDate start = firstDay.minusDays(warmUpDays);
    int total = warmUpDays + days;
    List<Session> sessions = new ArrayList<>();
    int classes = (students + CLASS_SIZE - 1) / CLASS_SIZE;
    int[][] meetings = new int[classes][4]; // day-of-week and minute-of-day of two meetings
    for (int c = 0; c < classes; c++) {
      int d1 = random.nextInt(5);
      int d2 = (d1 + 2 + random.nextInt(2)) % 5;
      meetings[c] = new int[] {d1, 9 * 60 + 30 * random.nextInt(17), d2, 9 * 60 + 30 * random.nextInt(17)};
    }
    for (int day = 0; day < total; day++) {
      LocalDate date = start.plusDays(day);
      boolean weekend = date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
      for (int s = 0; s < students; s++) {
        String user = user(s);
        List<long[]> busy = new ArrayList<>();
        int[] m = meetings[s / CLASS_SIZE];
        int dow = date.getDayOfWeek().getValue() - 1;
        for (int k = 0; k < 4; k += 2) {
          if (m[k] == dow && random.nextDouble() < 0.85) {
            long classStart = at(date, m[k + 1], zone);
            long arrive = classStart + (long) (random.nextDouble() * BURST_MS);
            long length = (50 + random.nextInt(71)) * 60_000L;
            busy.add(new long[] {arrive, arrive + length});
          }
        }
        int sittings = weekend ? (random.nextDouble() < 0.45 ? 1 : 0) : (random.nextDouble() < 0.85 ? 2 : 1);
        int open = weekend ? 11 * 60 : 9 * 60;
        int close = weekend ? 19 * 60 : 21 * 60;
        for (int i = 0; i < sittings; i++) {
          long length = Math.round(Math.exp(Math.log(120) + 0.55 * Spread.Gaussian.next(random))) * 60_000L;
          length = Math.max(20 * 60_000L, Math.min(300 * 60_000L, length));
          long arrive = at(date, open, zone) + (long) (random.nextDouble() * (close - open) * 60_000L);
          arrive -= arrive % 1000;
          long end = arrive + length;
          boolean clash = false;
          for (long[] b : busy) {
            if (arrive < b[1] + 30 * 60_000L && end + 30 * 60_000L > b[0]) {
              clash = true;
              break;
            }
          }
          if (!clash) {
            busy.add(new long[] {arrive, end});
          }
        }
        for (long[] b : busy) {
          sessions.add(new Session(user, profile, b[0], b[1]));
        }
      }
    }
    long warmUpFrom = at(start, 0, zone);
    long from = at(firstDay, 0, zone);
    long to = at(firstDay.plusDays(days), 0, zone);
    return new Scenario(name, students, sessions, warmUpFrom, from, to, zone);
  }

  static String user(int index) {
    return String.format("s%05d", index + 1);
  }

  private static long at(LocalDate date, int minuteOfDay, ZoneId zone) {
    return ZonedDateTime.of(date, LocalTime.MIDNIGHT.plusMinutes(minuteOfDay), zone).toInstant().toEpochMilli();
  }
}
