package io.wsgate.simulate;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A positive duration drawn from a log-normal distribution fitted so that 90% of draws fall between {@code p5} and
 * {@code p95} milliseconds: written {@code 60-120s} or {@code 0.18-0.35s} on the command line.
 */
public record Spread(double p5Millis, double p95Millis) {

  private static final double Z95 = 1.6448536269514722;

  public Spread {
    if (!(p5Millis > 0) || !(p95Millis >= p5Millis)) {
      throw new IllegalArgumentException("spread: " + p5Millis + "-" + p95Millis + " ms (expected: 0 < low <= high)");
    }
  }

  /** Parses {@code 60-120s}, {@code 180-350ms} or a single value ({@code 90s}). */
  public static Spread parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    double unit;
    if (t.endsWith("ms")) {
      unit = 1;
      t = t.substring(0, t.length() - 2);
    } else if (t.endsWith("s")) {
      unit = 1000;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("m")) {
      unit = 60_000;
      t = t.substring(0, t.length() - 1);
    } else {
      throw new IllegalArgumentException("'" + text + "' (expected a range such as 60-120s or 180-350ms)");
    }
    String[] parts = t.split("-");
    try {
      double lo = Double.parseDouble(parts[0]) * unit;
      double hi = parts.length > 1 ? Double.parseDouble(parts[1]) * unit : lo;
      if (parts.length > 2) {
        throw new NumberFormatException();
      }
      return new Spread(lo, hi);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + text + "' (expected a range such as 60-120s or 180-350ms)");
    }
  }

  /** One draw, in whole milliseconds (at least 1). */
  public long draw(SplittableRandom random) {
    double mu = (Math.log(p5Millis) + Math.log(p95Millis)) / 2;
    double sigma = (Math.log(p95Millis) - Math.log(p5Millis)) / (2 * Z95);
    return Math.max(1, Math.round(Math.exp(mu + sigma * Gaussian.next(random))));
  }

  @Override
  public String toString() {
    return p95Millis >= 10_000
        ? String.format(Locale.ROOT, "%.0f-%.0f s", p5Millis / 1000, p95Millis / 1000)
        : String.format(Locale.ROOT, "%.0f-%.0f ms", p5Millis, p95Millis);
  }

  /** Standard normal draws from a {@link SplittableRandom} (Box-Muller), so a seed fixes every draw. */
  static final class Gaussian {
    private Gaussian() {
    }

    static double next(SplittableRandom random) {
      double u = 1 - random.nextDouble();
      double v = random.nextDouble();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
  }
}
