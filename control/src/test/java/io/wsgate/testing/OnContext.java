package io.wsgate.testing;

import io.vertx.core.Context;
import io.vertx.core.Promise;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** Runs a piece of a test on a Vert.x context (an event loop's thread) and hands its result back to the test. */
public final class OnContext {

  private OnContext() {
  }

  /** {@code action}'s result, run on {@code context}; what it throws fails the call. Waits 30 s at most. */
  public static <T> T call(Context context, Callable<T> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        done.complete(action.call());
      } catch (Exception e) {
        done.fail(e);
      }
    });
    try {
      return done.future().await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("not done on the context within 30 s", e);
    }
  }
}
