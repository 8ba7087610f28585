package io.wsgate.simulate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one policy did to one profile's students over the measured period: launches and their waits, and the
 * billed task time split by what it was for. All times in virtual milliseconds.
 */
public final class Outcome {

  final String policy;
  final String profile;
  int launches;
  int warm;
  int cold;
  int failed;
  int resumed;
  int merged;
  final List<Long> waits = new ArrayList<>();
  long usedMs;
  long idleMs;
  long warmMs;
  long startingMs;
  /**
   * Samples per control tick: time, running, pool ready, pool starting, pool target, working students, and the
   * adaptive forecast x 100 (-1 under a schedule).
   */
  final List<long[]> samples = new ArrayList<>();

  Outcome(String policy, String profile) {
    this.policy = policy;
    this.profile = profile;
  }

  public String policy() {
    return policy;
  }

  public String profile() {
    return profile;
  }

  public int launches() {
    return launches;
  }

  public int warm() {
    return warm;
  }

  public int cold() {
    return cold;
  }

  public int failed() {
    return failed;
  }

  public double warmShare() {
    return launches == 0 ? 1 : (double) warm / launches;
  }

  /** The {@code q}-quantile of the waits (nearest rank), in ms; 0 without launches. */
  public long waitQuantile(double q) {
    if (waits.isEmpty()) {
      return 0;
    }
    long[] sorted = waits.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public long waitMax() {
    return waits.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  public List<Long> waits() {
    return waits;
  }

  public double usedHours() {
    return usedMs / 3_600_000.0;
  }

  public double idleHours() {
    return idleMs / 3_600_000.0;
  }

  public double warmHours() {
    return warmMs / 3_600_000.0;
  }

  public double startingHours() {
    return startingMs / 3_600_000.0;
  }

  public double taskHours() {
    return usedHours() + idleHours() + warmHours() + startingHours();
  }

  public List<long[]> samples() {
    return samples;
  }
}
