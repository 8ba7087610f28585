package io.wsgate.simulate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The same seed prints the same figures: scenario generation and the whole simulated run are reproducible. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SameSeedSameFiguresTest {

  static Scenario scenario(long seed) {
    return SeedsScenario.generate("seeds-60", 60, "code", LocalDate.parse("2026-03-02"), 1, 0, ZoneOffset.UTC, seed);
  }

  static String figures(long seed) throws Exception {
    Scenario s = scenario(seed);
    Simulation.World world = new Simulation.World(Spread.parse("60-120s"), Spread.parse("110-350ms"),
        Duration.ofSeconds(60), "30m", seed);
    List<Table.Row> rows = new ArrayList<>();
    for (Policy p : List.of(Policy.schedule("schedule", "* 2"), Policy.adaptive("adaptive", "* 1", 20))) {
      new Simulation(s, p, world).run().values()
          .forEach(o -> rows.add(Table.row(o, s, Prices.fargate(1, 2), s.students())));
    }
    return Table.render(s, Prices.fargate(1, 2), rows);
  }

  @Test
  void sameSeedSameSessions() {
    assertThat(scenario(7).sessions()).isEqualTo(scenario(7).sessions());
    assertThat(scenario(7).sessions()).isNotEqualTo(scenario(8).sessions());
  }

  @Test
  void sameSeedSameTable() throws Exception {
    String first = figures(3);
    assertThat(first).contains("schedule", "adaptive");
    assertThat(figures(3)).isEqualTo(first);
  }
}
