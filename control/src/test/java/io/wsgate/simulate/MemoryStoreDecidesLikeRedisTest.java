package io.wsgate.simulate;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's in-memory store decides exactly as a real Redis does: the same seeded scenario (two days of
 * warm-up, so the adaptive policy has a history to forecast from, and three measured days) run once against a
 * real redis-server and once in memory makes the same decisions, every one of them: each launch (pool member or
 * cold, for whom, when healthy), each assignment, each stop with its reason and time, what each arrival got and
 * waited, and the pool's target, counts and forecast at every tick; and so prints the same figures. Decisions made
 * at the same virtual instant are compared as a set: the order the reaper's concurrent stops reach the provider
 * within one tick is not a decision.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class MemoryStoreDecidesLikeRedisTest {

  static Stream<Policy> policies() {
    return Stream.of(Policy.schedule("schedule", "* 3"),
        Policy.adaptive("adaptive", "* 0", 60).with("POOL_RISK", "0.02"),
        Policy.adaptive("adaptive", "* 0", 60).with("POOL_RISK", "0.02").with("CLOSED_GRACE", "5m")
            .named("adaptive+grace 5m"));
  }

  @ParameterizedTest
  @MethodSource("policies")
  void sameDecisionsAsRedis(Policy policy) throws Exception {
    Scenario scenario = SeedsScenario.generate("seeds-100", 100, "code", LocalDate.parse("2026-03-02"), 3, 2,
        ZoneOffset.UTC, 11);
    Simulation.World world = new Simulation.World(Spread.parse("60-120s"), Spread.parse("110-350ms"),
        Duration.ofSeconds(60), "30m", 11);

    Simulation redis = new Simulation(scenario, policy, world, Simulation.Store.REDIS).recordDecisions();
    Map<String, Outcome> withRedis = redis.run();
    Simulation memory = new Simulation(scenario, policy, world, Simulation.Store.MEMORY).recordDecisions();
    Map<String, Outcome> inMemory = memory.run();

    List<String> expected = byInstant(redis.decisions());
    assertThat(expected).as("decisions recorded").hasSizeGreaterThan(5_000)
        .anyMatch(d -> d.contains(" cold ")).anyMatch(d -> d.contains(" warm "))
        .anyMatch(d -> d.contains(" stop ") && d.endsWith(" idle"));
    assertThat(byInstant(memory.decisions())).containsExactlyElementsOf(expected);
    assertThat(figures(scenario, inMemory)).isEqualTo(figures(scenario, withRedis));
  }

  /** The log with the decisions of each instant in a fixed order (the log itself is in virtual-time order). */
  static List<String> byInstant(List<String> log) {
    List<String> out = new ArrayList<>();
    List<String> instant = new ArrayList<>();
    String at = null;
    for (String line : log) {
      String t = line.substring(0, line.indexOf(' '));
      if (!t.equals(at)) {
        instant.sort(null);
        out.addAll(instant);
        instant.clear();
        at = t;
      }
      instant.add(line);
    }
    instant.sort(null);
    out.addAll(instant);
    return out;
  }

  private static String figures(Scenario s, Map<String, Outcome> outcomes) {
    List<Table.Row> rows = new ArrayList<>();
    outcomes.values().forEach(o -> rows.add(Table.row(o, s, Prices.fargate(1, 2), s.students())));
    return Table.render(s, Prices.fargate(1, 2), rows);
  }
}
