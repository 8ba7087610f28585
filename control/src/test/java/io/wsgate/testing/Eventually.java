package io.wsgate.testing;

import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that another component makes true in its own time (a background tick, an event
 * from another replica), checking on a short Vert.x timer, up to a generous deadline.
 */
public final class Eventually {

  private Eventually() {
  }

  public static void await(Vertx vertx, Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      vertx.timer(20).await();
    }
  }
}
