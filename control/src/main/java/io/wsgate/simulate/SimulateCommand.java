package io.wsgate.simulate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code java -jar wsgate.jar simulate [options]}: what a month of students costs and how long they wait under
 * each pool policy, from wsgate's own control loop run in virtual time (see {@link Simulation}).
 */
public final class SimulateCommand {

  public static final String USAGE = """
      Usage: java -jar wsgate.jar simulate [--scenario seeds-100 | seeds-1000 | FILE.csv,...] [--days 30] [--warm-up 14]
             [--seed 1] [--policies schedule,adaptive] [--schedule '* 3'] [--floor '* 0'] [--pool-max 60]
             [--pool-risk 0.02] [--closed-grace 5m|''] [--tabs-closed 0.5] [--idle-timeout 30m] [--cold 60-120s]
             [--warm 110-350ms] [--gap 15m] [--store memory|redis]
             [--price fargate|flat] [--vcpu 1] [--gb 2] [--spot 0.7] [--tick 60s] [--report wsgate-simulation.html]
        seeds-100, seeds-1000   built-in scenarios (see the README); a CSV has rows of sessions, user,profile,start,end,
                                or of activity events, user,profile,time
        --gap                   activity events of a user this close are one session (to a minute after the last)
        --schedule              the fixed policy's schedule; default: the seeds' plan (3 warm per 100 students)
        --floor                 the adaptive policy's schedule (its floor)
        --closed-grace          also run each policy with this CLOSED_GRACE (empty: don't)
        --tabs-closed           share of sessions that end with the tab closed (the rest leave it open)
        --store                 memory: wsgate's Redis commands and scripts answered in the JVM (default, proved to
                                decide as Redis does); redis: a real redis-server per policy, about ten times slower""";

  private SimulateCommand() {
  }

  /** Runs the command; returns the exit status. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--help") || a.equals("-h")) {
        out.println(USAGE);
        return 0;
      }
      if (!a.startsWith("--") || i + 1 >= args.size()) {
        err.println("wsgate simulate: '" + a + "' (expected --option value)");
        err.println(USAGE);
        return 2;
      }
      opts.put(a.substring(2), args.get(++i));
    }
    try {
      return simulate(new Options(opts), out);
    } catch (IllegalArgumentException e) {
      err.println("wsgate simulate: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("wsgate simulate: " + e);
      return 1;
    }
  }

  private static int simulate(Options o, PrintStream out) throws IOException {
    Prices prices = o.prices();
    List<Report.Run> runs = new ArrayList<>();
    for (String name : o.get("scenario", "seeds-100").split(",")) {
      Scenario scenario = o.scenario(name.trim());
      int students = scenario.students();
      out.printf(Locale.ROOT, "%n== %s: %d students, %d sessions in %.0f measured days (after %.0f days of warm-up), "
              + "%.2f h of use per student-day, seed %d%n", scenario.name(), students,
          Scenarios.measuredSessions(scenario), scenario.measuredDays(),
          (scenario.from() - scenario.warmUpFrom()) / 86_400_000.0, Scenarios.useHoursPerStudentDay(scenario),
          o.seed());
      List<Table.Row> rows = new ArrayList<>();
      Map<String, Double> seconds = new LinkedHashMap<>();
      List<Policy> policies = o.policies(students);
      // each policy is a simulation of its own (own Vert.x, own store), all at once: with redis-server a
      // simulation spends most of its time waiting for a reply, so more of them than cores keep the cores busy
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
          Math.max(1, Math.min(policies.size(), 8)));
      List<java.util.concurrent.Future<Map<String, Outcome>>> results = new ArrayList<>();
      for (Policy policy : policies) {
        results.add(pool.submit(() -> {
          long t0 = System.nanoTime();
          Map<String, Outcome> outcomes = new Simulation(scenario, policy, o.world(), o.store()).run();
          synchronized (seconds) {
            seconds.put(policy.name(), (System.nanoTime() - t0) / 1e9);
          }
          return outcomes;
        }));
      }
      pool.shutdown();
      for (int i = 0; i < policies.size(); i++) {
        Map<String, Outcome> outcomes;
        try {
          outcomes = results.get(i).get();
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
          Throwable cause = e;
          while (cause.getCause() != null) {
            cause = cause.getCause();
          }
          throw new IOException("simulation of " + policies.get(i).name() + " failed: " + cause, e);
        }
        outcomes.values().forEach(oc -> rows.add(Table.row(oc, scenario, prices,
            Scenarios.studentsOf(scenario, oc.profile()))));
        out.printf(Locale.ROOT, "  %s: simulated in %.1f s%n", policies.get(i).name(), seconds.get(policies.get(i).name()));
      }
      out.print(Table.render(scenario, prices, rows));
      out.print(Goals.check(rows));
      runs.add(new Report.Run(scenario, rows, seconds));
    }
    String report = o.get("report", "wsgate-simulation.html");
    if (!report.isEmpty()) {
      Path path = Path.of(report);
      Files.writeString(path, Report.html(runs, prices, o.world()));
      out.println("\nreport: " + path.toAbsolutePath());
    }
    return 0;
  }

  /** The command line's options, with their defaults and precise messages. */
  static final class Options {
    private final Map<String, String> values;

    Options(Map<String, String> values) {
      this.values = values;
      List<String> known = List.of("scenario", "days", "warm-up", "seed", "policies", "schedule", "floor", "pool-max",
          "pool-risk", "closed-grace", "idle-timeout", "cold", "warm", "price", "vcpu", "gb", "spot", "tick", "report",
          "start", "zone", "tabs-closed", "gap", "store");
      for (String k : values.keySet()) {
        if (!known.contains(k)) {
          throw new IllegalArgumentException("--" + k + " (expected one of --" + String.join(", --", known) + ")");
        }
      }
    }

    String get(String key, String def) {
      return values.getOrDefault(key, def);
    }

    long seed() {
      return Long.parseLong(get("seed", "1"));
    }

    int whole(String key, String def, int min, int max) {
      String v = get(key, def);
      try {
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + key + ": '" + v + "' (expected a whole number " + min + "-" + max + ")");
      }
    }

    double number(String key, String def) {
      String v = get(key, def);
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + key + ": '" + v + "' (expected a number)");
      }
    }

    Simulation.Store store() {
      String v = get("store", "memory");
      return switch (v) {
        case "memory" -> Simulation.Store.MEMORY;
        case "redis" -> Simulation.Store.REDIS;
        default -> throw new IllegalArgumentException("--store: '" + v + "' (expected memory or redis)");
      };
    }

    Simulation.World world() {
      Duration tick = io.wsgate.config.ConfigLoader.parseDuration(get("tick", "60s"));
      if (tick == null || tick.toSeconds() < 1) {
        throw new IllegalArgumentException("--tick: '" + get("tick", "60s") + "' (expected a duration of 1s or more)");
      }
      double closed = number("tabs-closed", "0.5");
      if (!(closed >= 0 && closed <= 1)) {
        throw new IllegalArgumentException("--tabs-closed: '" + get("tabs-closed", "") + "' (expected 0-1)");
      }
      return new Simulation.World(spread("cold", "60-120s"), spread("warm", "110-350ms"), tick,
          get("idle-timeout", "30m"), closed, seed());
    }

    private Spread spread(String key, String def) {
      try {
        return Spread.parse(get(key, def));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + key + ": " + e.getMessage());
      }
    }

    Prices prices() {
      String kind = get("price", "fargate");
      Prices p = switch (kind) {
        case "fargate" -> Prices.fargate(number("vcpu", "1"), number("gb", "2"));
        case "flat" -> Prices.seedsFlat();
        default -> throw new IllegalArgumentException("--price: '" + kind + "' (expected fargate or flat)");
      };
      return values.containsKey("spot") ? p.spot(number("spot", "0.7")) : p;
    }

    Scenario scenario(String name) throws IOException {
      int days = whole("days", "30", 1, 366);
      int warmUp = whole("warm-up", "14", 0, 366);
      ZoneId zone = ZoneId.of(get("zone", "UTC"));
      LocalDate start = LocalDate.parse(get("start", "2026-03-02"));
      return switch (name) {
        case "seeds-100" -> SeedsScenario.generate(name, 100, "code", start, days, warmUp, zone, seed());
        case "seeds-1000" -> SeedsScenario.generate(name, 1000, "code", start, days, warmUp, zone, seed());
        default -> {
          if (!name.endsWith(".csv")) {
            throw new IllegalArgumentException("--scenario: '" + name + "' (expected seeds-100, seeds-1000 or a .csv file)");
          }
          Duration gap = io.wsgate.config.ConfigLoader.parseDuration(get("gap", "15m"));
          if (gap == null || gap.toSeconds() < 1) {
            throw new IllegalArgumentException("--gap: '" + get("gap", "") + "' (expected a duration of 1s or more)");
          }
          yield CsvScenario.read(Path.of(name), warmUp, zone, gap);
        }
      };
    }

    List<Policy> policies(int students) {
      List<Policy> out = new ArrayList<>();
      int seedsPool = Math.max(1, (int) Math.round(students * 0.03));
      String grace = get("closed-grace", "5m");
      for (String p : get("policies", "schedule,adaptive").split(",")) {
        Policy policy = switch (p.trim()) {
          case "schedule" -> Policy.schedule("schedule", get("schedule", "* " + seedsPool));
          case "adaptive" -> Policy.adaptive("adaptive", get("floor", "* 0"),
              whole("pool-max", Integer.toString(Math.max(60, students / 5)), 1, 100_000))
              .with("POOL_RISK", get("pool-risk", "0.02"));
          default -> throw new IllegalArgumentException("--policies: '" + p + "' (expected schedule, adaptive)");
        };
        out.add(policy);
        if (!grace.isEmpty()) {
          out.add(policy.with("CLOSED_GRACE", grace).named(policy.name() + "+grace " + grace));
        }
      }
      return out;
    }
  }
}
