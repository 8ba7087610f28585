package io.wsgate.pool;

import java.util.List;

/**
 * The adaptive pool's arithmetic, free of I/O so tests can hold it against the formula.
 *
 * <p>The base-stock rule (Feeney &amp; Sherbrooke 1966; the square-root staffing rule is its normal approximation):
 * a pool of {@code S} that starts a replacement for every member claimed runs empty when more than {@code S - 1}
 * launches arrive within one replacement's lead time {@code L}. With Poisson arrivals at rate {@code λ} the
 * smallest pool whose chance of being found empty is at most {@code ε} is the smallest {@code S} with
 * {@code P(Poisson(λ·L) ≥ S) ≤ ε}.
 *
 * <p>The forecast of {@code λ·L}, the launches expected within one lead time: for each of the recent weeks of
 * history, the launches in the same window of that week, and the median of those counts over the weeks; the window
 * is taken at every start from now to one lead time ahead and the busiest one counts, so a burst a week ago is met
 * by a pool that began growing one cold-start time before it. The median, not the mean: a class that meets every
 * week shows in most weeks and the median keeps it, while launches that happened to cluster in one week's window
 * (students arriving on their own) are noise the mean would carry into this week's pool, and the busiest of the
 * windows would pick it out. The launches of the last half hour, scaled to one lead time, are a floor, so a busy
 * day with no history, and the steady arrivals of students on their own, still get a pool.
 */
public final class PoolSizing {

  /** Weeks of history the forecast averages over (the launch history keeps a few more). */
  public static final int WEEKS = 4;
  public static final long WEEK_MS = 7 * 86_400_000L;
  /** The window of recent launches that floors the forecast. */
  public static final long RECENT_MS = 30 * 60_000L;
  /** Steps at which window starts between now and one lead time ahead are tried. */
  static final int STEPS = 12;

  private PoolSizing() {
  }

  /** The smallest {@code S >= 0} with {@code P(Poisson(mean) >= S) <= risk}. */
  public static int baseStock(double mean, double risk) {
    if (!(mean >= 0) || !(risk > 0 && risk < 1)) {
      throw new IllegalArgumentException("baseStock: mean " + mean + ", risk " + risk
          + " (expected: mean >= 0, 0 < risk < 1)");
    }
    if (mean == 0) {
      return 0;
    }
    // tail(S) = P(X >= S) = 1 - sum_{k < S} pmf(k); pmf computed in log space so large means do not underflow
    double cdf = 0;
    double logPmf = -mean;
    for (int s = 0; ; s++) {
      double tail = 1 - cdf;
      if (tail <= risk) {
        return s;
      }
      cdf += Math.exp(logPmf);
      logPmf += Math.log(mean) - Math.log(s + 1);
      if (s > 100_000) {
        return s;
      }
    }
  }

  /**
   * Launches expected within one lead time, looking up to one lead time ahead: the median over the weeks of
   * history of each window's launches, for the busiest window, and at least the last half hour's rate.
   *
   * @param now        the time the pool is sized for
   * @param leadMs     a replacement's lead time (the profile's cold start)
   * @param launches   launch times (epoch ms) of the history, any order
   * @param historyFrom the oldest time the history covers; weeks before it are not averaged in
   */
  public static double forecast(long now, long leadMs, List<Long> launches, long historyFrom) {
    int weeks = 0;
    while (weeks < WEEKS && now - (weeks + 1) * WEEK_MS >= historyFrom) {
      weeks++;
    }
    double best = 0;
    if (weeks > 0) {
      int[] counts = new int[weeks];
      for (int step = 0; step <= STEPS; step++) {
        long start = now + leadMs * step / STEPS;
        java.util.Arrays.fill(counts, 0);
        for (long t : launches) {
          for (int k = 1; k <= weeks; k++) {
            long from = start - k * WEEK_MS;
            if (t >= from && t < from + leadMs) {
              counts[k - 1]++;
            }
          }
        }
        best = Math.max(best, median(counts));
      }
    }
    int recent = 0;
    for (long t : launches) {
      if (t > now - RECENT_MS && t <= now) {
        recent++;
      }
    }
    return Math.max(best, recent * (double) leadMs / RECENT_MS);
  }

  /** The median of {@code counts} (the mean of the middle two for an even number); sorts them. */
  static double median(int[] counts) {
    java.util.Arrays.sort(counts);
    int n = counts.length;
    return n % 2 == 1 ? counts[n / 2] : (counts[n / 2 - 1] + counts[n / 2]) / 2.0;
  }

  /** A lead time is never taken as shorter than this: a replacement cannot be ready sooner. */
  public static final long MIN_LEAD_MS = 1_000;

  /** The median of the recorded cold starts (at least {@link #MIN_LEAD_MS}), or {@code fallbackMs} with none. */
  public static long leadTime(List<Long> coldStartsMs, long fallbackMs) {
    if (coldStartsMs.isEmpty()) {
      return fallbackMs;
    }
    long[] sorted = coldStartsMs.stream().mapToLong(Long::longValue).sorted().toArray();
    return Math.max(MIN_LEAD_MS, sorted[sorted.length / 2]);
  }
}
