package io.wsgate.proxy.admin;

import io.vertx.core.Future;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.store.FleetViews;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether this replica can serve: Redis answers a PING (bounded by the Redis timeout), and the provider
 * verifies. The provider check may call a cloud API, so its result is reused for {@link #PROVIDER_CHECK_MS};
 * Redis is asked on every call because losing it is what readiness must notice at once.
 */
final class Readiness {

  static final long PROVIDER_CHECK_MS = 30_000;
  private static final long PROVIDER_TIMEOUT_MS = 10_000;

  private final FleetViews fleet;
  private final WorkspaceProvider provider;
  private final LongSupplier clock;
  private volatile long providerCheckedAt = Long.MIN_VALUE;
  private volatile String providerProblem;

  Readiness(FleetViews fleet, WorkspaceProvider provider, LongSupplier clock) {
    this.fleet = fleet;
    this.provider = provider;
    this.clock = clock;
  }

  /** Completes with null when ready, else with the reason it is not. Never fails. */
  Future<String> problem() {
    Future<String> redis = fleet.ping().map(v -> (String) null)
        .otherwise(err -> "redis unreachable: " + describe(err));
    return redis.compose(r -> r != null ? Future.succeededFuture(r) : providerProblem());
  }

  private Future<String> providerProblem() {
    long now = clock.getAsLong();
    if (now - providerCheckedAt < PROVIDER_CHECK_MS) {
      return Future.succeededFuture(providerProblem);
    }
    return provider.verify().timeout(PROVIDER_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(v -> (String) null)
        .otherwise(err -> "provider " + provider.name() + " unusable: " + describe(err))
        .onSuccess(p -> {
          providerProblem = p;
          providerCheckedAt = now;
        });
  }

  private static String describe(Throwable err) {
    return err.getMessage() != null ? err.getMessage() : err.getClass().getSimpleName();
  }
}
