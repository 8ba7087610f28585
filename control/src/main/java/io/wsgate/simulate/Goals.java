package io.wsgate.simulate;

import java.util.List;
import java.util.Locale;

/** The goals, checked on each scenario's rows and printed under its table. */
final class Goals {

  static final double WARM_SHARE = 0.95;
  static final long P95_MS = 2_000;
  static final double SAVING = 0.85;

  private Goals() {
  }

  static String check(List<Table.Row> rows) {
    StringBuilder b = new StringBuilder();
    for (Table.Row r : rows) {
      Outcome o = r.outcome();
      if (!o.policy().startsWith("adaptive")) {
        continue;
      }
      // the fixed schedule with the same extras (e.g. the same closed-tab grace), on the same arrivals
      String twin = "schedule" + o.policy().substring("adaptive".length());
      Table.Row schedule = rows.stream().filter(x -> x.outcome().policy().equals(twin)
          && x.outcome().profile().equals(o.profile())).findFirst().orElse(null);
      b.append(String.format(Locale.ROOT, "goals, %s/%s: warm >= 95%%: %s; p95 < 2 s: %s; saving >= 85%%: %s",
          o.policy(), o.profile(), mark(o.warmShare() >= WARM_SHARE), mark(o.waitQuantile(0.95) < P95_MS),
          mark(r.saving() >= SAVING)));
      if (schedule != null) {
        Outcome s = schedule.outcome();
        boolean betterWarm = o.warmShare() > s.warmShare();
        boolean betterCost = r.costPerMonth() < schedule.costPerMonth();
        boolean noWorseWarm = o.warmShare() >= s.warmShare();
        boolean noWorseCost = r.costPerMonth() <= schedule.costPerMonth();
        b.append("; vs ").append(twin).append(" (better on warm share or cost, no worse on the other): ")
            .append(mark((betterWarm && noWorseCost) || (betterCost && noWorseWarm)));
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String mark(boolean ok) {
    return ok ? "met" : "NOT met";
  }
}
