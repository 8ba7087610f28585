package io.wsgate.simulate;

import java.util.Locale;

/**
 * What an hour of one workspace task costs.
 *
 * @param name        how the report names the price
 * @param perTaskHour dollars per task-hour
 */
public record Prices(String name, double perTaskHour) {

  /** Fargate Linux/x86, us-east-1, on-demand: per vCPU-hour and per GB-hour. */
  public static final double FARGATE_VCPU_HOUR = 0.04048;
  public static final double FARGATE_GB_HOUR = 0.004445;
  /** Hours in the average month (365 x 24 / 12), as AWS prices a month. */
  public static final double HOURS_PER_MONTH = 730;

  /** Fargate on-demand for a task of {@code vcpu} and {@code gb}. */
  public static Prices fargate(double vcpu, double gb) {
    return new Prices(String.format(Locale.ROOT, "Fargate us-east-1, %s vCPU / %s GB", trim(vcpu), trim(gb)),
        vcpu * FARGATE_VCPU_HOUR + gb * FARGATE_GB_HOUR);
  }

  /** The seeds' flat $0.04 per task-hour. */
  public static Prices seedsFlat() {
    return new Prices("flat $0.04 per task-hour (the seeds')", 0.04);
  }

  /** Fargate Spot at {@code discount} off the on-demand price (Spot prices move; AWS quotes up to 70% off). */
  public Prices spot(double discount) {
    return new Prices(name + String.format(Locale.ROOT, ", Spot at %.0f%% off", discount * 100),
        perTaskHour * (1 - discount));
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
