package io.wsgate.simulate;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The self-contained HTML report (inline SVG, no scripts, no downloads): per scenario the table, a week of
 * arrivals, running workspaces and pool size per policy, where the task-hours went, and the waits per policy.
 */
final class Report {

  record Run(Scenario scenario, List<Table.Row> rows, Map<String, Double> seconds) {
  }

  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
  private static final int W = 1100;
  private static final long WEEK = 7 * 86_400_000L;

  private Report() {
  }

  static String html(List<Run> runs, Prices prices, Simulation.World world) {
    StringBuilder b = new StringBuilder();
    b.append("<!doctype html><html><head><meta charset='utf-8'><title>wsgate simulate</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1150px}")
        .append("table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #ddd;")
        .append("text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}")
        .append(".ok{color:#2a7}.no{color:#c33}h2{margin-top:36px}svg{display:block;margin:8px 0}")
        .append(".note{color:#666;font-size:12px}</style></head><body>");
    b.append("<h1>What a month of students costs, and how long they wait</h1>");
    b.append(String.format(Locale.ROOT, "<p class='note'>wsgate's own control loop, launcher and Redis scripts in virtual "
            + "time. Cold start (request to healthy) %s, warm claim %s (log-normal, 90%% between the bounds); "
            + "control tick every %d s; idle timeout %s; seed %d; price: %s, $%.5f per task-hour.</p>",
        world.coldStart(), world.warmClaim(), world.controlInterval().toSeconds(), world.idleTimeout(), world.seed(),
        esc(prices.name()), prices.perTaskHour()));
    for (Run run : runs) {
      scenario(b, run);
    }
    return b.append("</body></html>").toString();
  }

  private static void scenario(StringBuilder b, Run run) {
    Scenario s = run.scenario();
    b.append("<h2>").append(esc(s.name())).append("</h2>");
    b.append(String.format(Locale.ROOT, "<p>%d students, %d sessions in %.0f measured days, %.2f h of use per "
            + "student-day.</p>", s.students(), Scenarios.measuredSessions(s), s.measuredDays(),
        Scenarios.useHoursPerStudentDay(s)));
    b.append("<table><tr><th>policy</th><th>launches</th><th>warm</th><th>wait p50</th><th>p95</th><th>p99</th>")
        .append("<th>max</th><th>used h</th><th>idle tail h</th><th>warm unclaimed h</th><th>starting h</th>")
        .append("<th>$/month</th><th>$/student-month</th><th>saving vs always-on</th><th>run time</th></tr>");
    for (Table.Row r : run.rows()) {
      Outcome o = r.outcome();
      b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d</td><td class='%s'>%.1f%%</td><td>%.2f s</td>"
              + "<td class='%s'>%.2f s</td><td>%.1f s</td><td>%.1f s</td><td>%.0f</td><td>%.0f</td><td>%.0f</td>"
              + "<td>%.0f</td><td>$%,.2f</td><td>$%.2f</td><td class='%s'>%.2f%%</td><td>%.0f s</td></tr>",
          esc(o.policy()), o.launches(), o.warmShare() >= Goals.WARM_SHARE ? "ok" : "no", 100 * o.warmShare(),
          o.waitQuantile(0.5) / 1000.0, o.waitQuantile(0.95) < Goals.P95_MS ? "ok" : "no",
          o.waitQuantile(0.95) / 1000.0, o.waitQuantile(0.99) / 1000.0, o.waitMax() / 1000.0, o.usedHours(),
          o.idleHours(), o.warmHours(), o.startingHours(), r.costPerMonth(), r.perStudentMonth(),
          r.saving() >= Goals.SAVING ? "ok" : "no", 100 * r.saving(), run.seconds().getOrDefault(o.policy(), 0.0)));
    }
    b.append("</table>");
    if (!run.rows().isEmpty()) {
      b.append(String.format(Locale.ROOT, "<p class='note'>Always-on: %d containers around the clock, $%,.2f per "
          + "month.</p>", s.students(), run.rows().get(0).alwaysOnPerMonth()));
    }
    b.append("<h3>The first measured week</h3><p class='note'>Bars: launches per 15 min. Lines: running workspaces ")
        .append("(all tasks), students at work, warm pool (ready + starting), and the pool target.</p>");
    double maxRunning = 1;
    for (Table.Row r : run.rows()) {
      for (long[] x : r.outcome().samples()) {
        if (x[0] < s.from() + WEEK) {
          maxRunning = Math.max(maxRunning, Math.max(x[1], x[4]));
        }
      }
    }
    for (Table.Row r : run.rows()) {
      week(b, s, r.outcome(), maxRunning);
    }
    hours(b, run.rows());
    waits(b, run.rows());
  }

  private static void week(StringBuilder b, Scenario s, Outcome o, double maxRunning) {
    int h = 240;
    int left = 50;
    int plot = W - left - 10;
    long from = s.from();
    long to = Math.min(s.to(), from + WEEK);
    int[] buckets = new int[(int) ((to - from) / 900_000) + 1];
    for (Session x : s.sessions()) {
      if (x.profile().equals(o.profile()) && x.start() >= from && x.start() < to) {
        buckets[(int) ((x.start() - from) / 900_000)]++;
      }
    }
    int maxBucket = 1;
    for (int c : buckets) {
      maxBucket = Math.max(maxBucket, c);
    }
    double top = Math.max(maxRunning, maxBucket) * 1.05;
    b.append(String.format(Locale.ROOT, "<svg width='%d' height='%d' viewBox='0 0 %d %d'>", W, h + 40, W, h + 40));
    b.append(String.format(Locale.ROOT, "<text x='%d' y='14' font-weight='bold'>%s / %s</text>", left, esc(o.policy()),
        esc(o.profile())));
    ZoneId zone = s.zone();
    DateTimeFormatter day = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    for (long t = from; t <= to; t += 86_400_000L) {
      double x = left + plot * (double) (t - from) / (to - from);
      b.append(String.format(Locale.ROOT, "<line x1=%.1f y1=20 x2=%.1f y2=%d stroke='#ddd'/>", x, x, h + 20));
      if (t < to) {
        b.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='11'>%s</text>", x + 4, h + 34,
            day.format(Instant.ofEpochMilli(t).atZone(zone))));
      }
    }
    for (int v = 0; v <= top; v += step(top)) {
      double y = 20 + h - h * v / top;
      b.append(String.format(Locale.ROOT, "<line x1=%d y1=%.1f x2=%d y2=%.1f stroke='#eee'/><text x='4' y='%.1f' "
          + "font-size='11'>%d</text>", left, y, W - 10, y, y + 4, v));
    }
    double bw = plot * 900_000.0 / (to - from);
    for (int i = 0; i < buckets.length; i++) {
      if (buckets[i] > 0) {
        double bh = h * buckets[i] / top;
        b.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='#bbb'/>",
            left + i * bw, 20 + h - bh, Math.max(1, bw), bh));
      }
    }
    String[] names = {"running", "at work", "pool", "target"};
    int[][] cols = {{1}, {5}, {2, 3}, {4}};
    String[] colors = {"#1f77b4", "#2ca02c", "#ff7f0e", "#d62728"};
    for (int k = 0; k < names.length; k++) {
      StringBuilder path = new StringBuilder();
      for (long[] x : o.samples()) {
        if (x[0] >= to) {
          break;
        }
        double v = 0;
        for (int c : cols[k]) {
          v += x[c];
        }
        path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f",
            left + plot * (double) (x[0] - from) / (to - from), 20 + h - h * v / top));
      }
      b.append(String.format(Locale.ROOT, "<path d='%s' fill='none' stroke='%s' stroke-width='1.2%s'/>", path, colors[k],
          k == 3 ? " stroke-dasharray='4 2'" : ""));
      b.append(String.format(Locale.ROOT, "<rect x='%d' y='6' width='12' height='3' fill='%s'/><text x='%d' y='12' "
          + "font-size='11'>%s</text>", 300 + k * 110, colors[k], 316 + k * 110, names[k]));
    }
    b.append("<rect x='740' y='3' width='10' height='9' fill='#bbb'/><text x='754' y='12' font-size='11'>launches / 15 min</text>");
    b.append("</svg>");
  }

  private static int step(double top) {
    for (int s : new int[] {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}) {
      if (top / s <= 8) {
        return s;
      }
    }
    return 2000;
  }

  private static void hours(StringBuilder b, List<Table.Row> rows) {
    b.append("<h3>Where the task-hours go</h3>");
    double max = rows.stream().mapToDouble(r -> r.outcome().taskHours()).max().orElse(1);
    int rowH = 26;
    b.append(String.format(Locale.ROOT, "<svg width='%d' height='%d'>", W, rows.size() * rowH + 30));
    String[] names = {"used", "idle tail", "warm unclaimed", "starting"};
    String[] colors = {"#2ca02c", "#d62728", "#ff7f0e", "#7f7f7f"};
    for (int k = 0; k < names.length; k++) {
      b.append(String.format(Locale.ROOT, "<rect x='%d' y='4' width='12' height='10' fill='%s'/><text x='%d' y='13' "
          + "font-size='11'>%s</text>", 200 + k * 140, colors[k], 216 + k * 140, names[k]));
    }
    int y = 24;
    for (Table.Row r : rows) {
      Outcome o = r.outcome();
      double[] v = {o.usedHours(), o.idleHours(), o.warmHours(), o.startingHours()};
      b.append(String.format(Locale.ROOT, "<text x='0' y='%d' font-size='12'>%s</text>", y + 15, esc(o.policy())));
      double x = 190;
      for (int k = 0; k < v.length; k++) {
        double w = 700 * v[k] / max;
        b.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='%s'><title>%s %.0f h"
            + "</title></rect>", x, y, w, rowH - 6, colors[k], names[k], v[k]));
        x += w;
      }
      b.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='12'>%.0f h, $%,.0f/month</text>", x + 6,
          y + 15, o.taskHours(), r.costPerMonth()));
      y += rowH;
    }
    b.append("</svg>");
  }

  /** The share of launches that waited at most x, x on a log scale from 0.1 s to 300 s. */
  private static void waits(StringBuilder b, List<Table.Row> rows) {
    b.append("<h3>How long students wait</h3><p class='note'>Share of launches that waited at most this long.</p>");
    int h = 220;
    int left = 50;
    int plot = W - left - 20;
    double lo = Math.log10(0.1);
    double hi = Math.log10(300);
    b.append(String.format(Locale.ROOT, "<svg width='%d' height='%d'>", W, h + 50));
    for (double t : new double[] {0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300}) {
      double x = left + plot * (Math.log10(t) - lo) / (hi - lo);
      b.append(String.format(Locale.ROOT, "<line x1=%.1f y1=10 x2=%.1f y2=%d stroke='#eee'/><text x='%.1f' y='%d' "
          + "font-size='11'>%s s</text>", x, x, h + 10, x - 8, h + 26, t < 1 ? Double.toString(t) : Long.toString((long) t)));
    }
    for (int p = 0; p <= 100; p += 25) {
      double y = 10 + h - h * p / 100.0;
      b.append(String.format(Locale.ROOT, "<line x1=%d y1=%.1f x2=%d y2=%.1f stroke='#eee'/><text x='4' y='%.1f' "
          + "font-size='11'>%d%%</text>", left, y, W - 20, y, y + 4, p));
    }
    double x2s = left + plot * (Math.log10(2) - lo) / (hi - lo);
    b.append(String.format(Locale.ROOT, "<line x1=%.1f y1=10 x2=%.1f y2=%d stroke='#999' stroke-dasharray='3 3'/>",
        x2s, x2s, h + 10));
    int i = 0;
    for (Table.Row r : rows) {
      Outcome o = r.outcome();
      long[] sorted = o.waits().stream().mapToLong(Long::longValue).sorted().toArray();
      StringBuilder path = new StringBuilder();
      int n = sorted.length;
      for (int k = 0; k < n; k++) {
        if (k + 1 < n && sorted[k + 1] == sorted[k]) {
          continue;
        }
        double x = left + plot * (Math.log10(Math.max(0.1, sorted[k] / 1000.0)) - lo) / (hi - lo);
        double y = 10 + h - h * (k + 1.0) / n;
        path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
      }
      String c = COLORS[i % COLORS.length];
      b.append(String.format(Locale.ROOT, "<path d='%s' fill='none' stroke='%s' stroke-width='2'/>", path, c));
      b.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='12' height='3' fill='%s'/><text x='%d' y='%d' "
          + "font-size='12'>%s: p95 %.2f s</text>", left + 20, h - 60 + i * 16, c, left + 36, h - 55 + i * 16,
          esc(o.policy()), o.waitQuantile(0.95) / 1000.0));
      i++;
    }
    b.append("</svg>");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
  }
}
