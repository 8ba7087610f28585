package io.wsgate.simulate;

import java.util.List;
import java.util.Map;

/** The self-contained HTML report. */
final class Report {

  record Run(Scenario scenario, List<Table.Row> rows, Map<String, Double> seconds) {
  }

  private Report() {
  }

  static String html(List<Run> runs, Prices prices, Simulation.World world) {
    return "<html></html>";
  }
}
