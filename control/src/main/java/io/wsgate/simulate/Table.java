package io.wsgate.simulate;

import java.util.List;
import java.util.Locale;

/** The printed figures: one row per policy and profile, then the goals each row meets. */
public final class Table {

  /** One policy's figures, with the money worked out. */
  public record Row(Outcome outcome, double costPerMonth, double perStudentMonth, double alwaysOnPerMonth,
                    double saving) {
  }

  private Table() {
  }

  public static Row row(Outcome o, Scenario scenario, Prices prices, int students) {
    double months = scenario.measuredDays() * 24 / Prices.HOURS_PER_MONTH;
    double cost = o.taskHours() * prices.perTaskHour() / months;
    double alwaysOn = students * Prices.HOURS_PER_MONTH * prices.perTaskHour();
    return new Row(o, cost, cost / students, alwaysOn, 1 - cost / alwaysOn);
  }

  public static String render(Scenario scenario, Prices prices, List<Row> rows) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-22s %-8s %7s %6s %7s %7s %7s %8s | %8s %8s %8s %8s | %9s %8s %8s%n",
        "policy", "profile", "launch", "warm%", "p50 s", "p95 s", "p99 s", "max s", "used h", "idle h", "warm h",
        "start h", "$/month", "$/stud", "saving"));
    for (Row r : rows) {
      Outcome o = r.outcome();
      b.append(String.format(Locale.ROOT,
          "%-22s %-8s %7d %5.1f%% %7.2f %7.2f %7.2f %8.1f | %8.0f %8.0f %8.0f %8.0f | %9.2f %8.2f %6.2f%%%n",
          o.policy(), o.profile(), o.launches(), 100 * o.warmShare(), o.waitQuantile(0.5) / 1000.0,
          o.waitQuantile(0.95) / 1000.0, o.waitQuantile(0.99) / 1000.0, o.waitMax() / 1000.0, o.usedHours(),
          o.idleHours(), o.warmHours(), o.startingHours(), r.costPerMonth(), r.perStudentMonth(), 100 * r.saving()));
    }
    if (!rows.isEmpty()) {
      Row any = rows.get(0);
      b.append(String.format(Locale.ROOT, "always-on: %d containers x %.0f h = $%,.2f per month (%s, $%.5f per task-hour)%n",
          Math.round(any.alwaysOnPerMonth() / prices.perTaskHour() / Prices.HOURS_PER_MONTH), Prices.HOURS_PER_MONTH,
          any.alwaysOnPerMonth(), prices.name(), prices.perTaskHour()));
    }
    return b.toString();
  }
}
