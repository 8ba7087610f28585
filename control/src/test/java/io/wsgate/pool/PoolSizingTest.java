package io.wsgate.pool;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The adaptive pool's sizing is the base-stock rule P(Poisson(λ·L) ≥ S) ≤ ε on fixed inputs. */
class PoolSizingTest {

  /** P(Poisson(mean) >= s), summed term by term (the definition, independent of the code under test). */
  static double tail(double mean, int s) {
    double below = 0;
    double term = Math.exp(-mean);
    for (int k = 0; k < s; k++) {
      below += term;
      term *= mean / (k + 1);
    }
    return 1 - below;
  }

  @Test
  void baseStockIsTheSmallestPoolWithTailAtMostRisk() {
    for (double mean : new double[] {0.01, 0.3, 1, 2.5, 6, 12.5, 30, 80}) {
      for (double risk : new double[] {0.001, 0.01, 0.02, 0.05, 0.2}) {
        int s = PoolSizing.baseStock(mean, risk);
        assertThat(tail(mean, s)).as("mean %s risk %s: S=%d is enough", mean, risk, s).isLessThanOrEqualTo(risk);
        if (s > 0) {
          assertThat(tail(mean, s - 1)).as("mean %s risk %s: S-1 is not", mean, risk).isGreaterThan(risk);
        }
      }
    }
  }

  @Test
  void knownValues() {
    // Poisson(6): P(X>=10) = 0.0839, P(X>=11) = 0.0426
    assertThat(PoolSizing.baseStock(6, 0.05)).isEqualTo(11);
    // Poisson(1): P(X>=3) = 0.0803, P(X>=4) = 0.0190
    assertThat(PoolSizing.baseStock(1, 0.02)).isEqualTo(4);
    assertThat(PoolSizing.baseStock(0, 0.02)).isZero();
    // a small mean: P(X>=1) = 1 - e^-0.01 = 0.00995
    assertThat(PoolSizing.baseStock(0.01, 0.02)).isEqualTo(1);
    assertThat(PoolSizing.baseStock(0.01, 0.001)).isEqualTo(2);
  }

  @Test
  void largeMeansDoNotUnderflow() {
    int s = PoolSizing.baseStock(900, 0.02);
    // the normal approximation (square-root staffing): 900 + 2.054 * 30 = 961.6
    assertThat(s).isBetween(955, 970);
  }

  @Test
  void badInputsAreRefused() {
    assertThatThrownBy(() -> PoolSizing.baseStock(-1, 0.02)).hasMessageContaining("expected: mean >= 0");
    assertThatThrownBy(() -> PoolSizing.baseStock(1, 0)).hasMessageContaining("0 < risk < 1");
  }

  @Test
  void forecastTakesTheMedianOfTheSameWindowOverTheWeeksOfHistory() {
    long now = 100 * PoolSizing.WEEK_MS;
    long lead = 90_000;
    List<Long> launches = new ArrayList<>();
    // a class of 20 a week ago, starting 60 s after "now" a week ago; 10 two weeks ago at the same moment
    for (int i = 0; i < 20; i++) {
      launches.add(now - PoolSizing.WEEK_MS + 60_000 + i * 1_000);
    }
    for (int i = 0; i < 10; i++) {
      launches.add(now - 2 * PoolSizing.WEEK_MS + 60_000 + i * 1_000);
    }
    // history began three weeks ago: weeks 1 to 3 count (week 3 had nothing then)
    double f = PoolSizing.forecast(now, lead, launches, now - 3 * PoolSizing.WEEK_MS);
    assertThat(f).as("the median of 20, 10 and 0, seen one lead time ahead").isEqualTo(10.0);
    // with only two weeks of history the third is not counted: the median of two is their mean
    assertThat(PoolSizing.forecast(now, lead, launches, now - 2 * PoolSizing.WEEK_MS)).isEqualTo(15.0);
    // a burst further ahead than one lead time is not seen yet
    assertThat(PoolSizing.forecast(now - 200_000, lead, launches, now - 3 * PoolSizing.WEEK_MS)).isZero();
  }

  @Test
  void aClusterInOneWeekIsNotForecastButAClassEveryWeekIs() {
    long now = 100 * PoolSizing.WEEK_MS;
    long lead = 90_000;
    long history = now - 4 * PoolSizing.WEEK_MS;
    List<Long> launches = new ArrayList<>();
    // four students who happened to arrive within a minute of each other two weeks ago, 30 s after "now" then
    for (int i = 0; i < 4; i++) {
      launches.add(now - 2 * PoolSizing.WEEK_MS + 30_000 + i * 10_000);
    }
    assertThat(PoolSizing.forecast(now, lead, launches, history)).as("counts 0, 4, 0, 0: median 0 (a mean of 4 "
        + "weeks would forecast 1.0 launch and hold 4 members at a risk of 0.02 for nothing)").isZero();

    // a class of 12 that opens its workspaces at the same moment every week, missed once (a holiday)
    for (int k = 1; k <= 3; k++) {
      for (int i = 0; i < 12; i++) {
        launches.add(now - k * PoolSizing.WEEK_MS + 60_000 + i * 2_000);
      }
    }
    assertThat(PoolSizing.forecast(now, lead, launches, history)).as("counts 12, 16, 12, 0 in the busiest window: "
        + "the median of them").isEqualTo(12.0);
  }

  @Test
  void recentLaunchesFloorTheForecast() {
    long now = 10 * PoolSizing.WEEK_MS;
    List<Long> launches = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      launches.add(now - i * 30_000L); // 40 in the last 20 minutes
    }
    // no week of history yet: 40 launches per 30 min, scaled to a 90 s lead time = 2.0
    assertThat(PoolSizing.forecast(now, 90_000, launches, now - 3_600_000)).isEqualTo(2.0);
  }

  @Test
  void leadTimeIsTheMedianColdStart() {
    assertThat(PoolSizing.leadTime(List.of(), 90_000)).isEqualTo(90_000);
    assertThat(PoolSizing.leadTime(List.of(70_000L, 120_000L, 80_000L), 90_000)).isEqualTo(80_000);
    assertThat(PoolSizing.leadTime(List.of(0L, 0L), 90_000)).isEqualTo(PoolSizing.MIN_LEAD_MS);
  }
}
