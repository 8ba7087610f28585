package io.wsgate.provider.ecs;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of the ecs provider's calls to the ECS API. The defaults suit production; tests shorten them so
 * they finish quickly, never to assert on timing.
 *
 * @param pollInitial      first wait between {@code DescribeTasks} polls while launches are pending
 * @param pollMax          the wait doubles per poll up to this while the same launches stay pending
 * @param watchInterval    how often tasks that already run are described, to notice when they stop
 * @param throttleAttempts attempts per API call when ECS throttles (1 means no retry)
 * @param throttleBase     first retry wait after throttling; doubles per attempt, with full jitter
 * @param throttleMax      longest retry wait after throttling
 */
public record EcsTuning(Duration pollInitial, Duration pollMax, Duration watchInterval, int throttleAttempts,
                        Duration throttleBase, Duration throttleMax) {

  /**
   * Production values: a Fargate task takes 20 to 60 s to start, so polling from 1 s up to 5 s finds it
   * soon without spending the account's DescribeTasks rate; stops are noticed within 30 s.
   */
  public static final EcsTuning DEFAULTS = new EcsTuning(Duration.ofSeconds(1), Duration.ofSeconds(5),
      Duration.ofSeconds(30), 6, Duration.ofMillis(200), Duration.ofSeconds(5));

  public EcsTuning {
    positive(pollInitial, "pollInitial");
    positive(pollMax, "pollMax");
    positive(watchInterval, "watchInterval");
    positive(throttleBase, "throttleBase");
    positive(throttleMax, "throttleMax");
    if (throttleAttempts < 1) {
      throw new IllegalArgumentException("throttleAttempts: " + throttleAttempts + " (expected: >= 1)");
    }
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }
}
