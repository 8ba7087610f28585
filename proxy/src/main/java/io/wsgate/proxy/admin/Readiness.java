package io.wsgate.proxy.admin;

import io.vertx.core.Future;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.store.FleetViews;

import io.wsgate.time.Deadline;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Whether this replica can serve: Redis answers a PING (bounded by the Redis timeout), and the provider
 * verifies. The provider check may call a cloud API, so its result is reused for {@link #PROVIDER_CHECK};
 * Redis is asked on every call because losing it is what readiness must notice at once.
 */
final class Readiness {

  static final Duration PROVIDER_CHECK = Duration.ofSeconds(30);
  private static final long PROVIDER_TIMEOUT_MS = 10_000;

  private final FleetViews fleet;
  private final WorkspaceProvider provider;
  private volatile Deadline providerRecheck;
  private volatile String providerProblem;

  Readiness(FleetViews fleet, WorkspaceProvider provider) {
    this.fleet = fleet;
    this.provider = provider;
  }

  /** Completes with null when ready, else with the reason it is not. Never fails. */
  Future<String> problem() {
    Future<String> redis = fleet.ping().map(v -> (String) null)
        .otherwise(err -> "redis unreachable: " + describe(err));
    return redis.compose(r -> r != null ? Future.succeededFuture(r) : providerProblem());
  }

  private Future<String> providerProblem() {
    Deadline recheck = providerRecheck;
    if (recheck != null && !recheck.passed()) {
      return Future.succeededFuture(providerProblem);
    }
    return provider.verify().timeout(PROVIDER_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(v -> (String) null)
        .otherwise(err -> "provider " + provider.name() + " unusable: " + describe(err))
        .onSuccess(p -> {
          providerProblem = p;
          providerRecheck = Deadline.after(PROVIDER_CHECK);
        });
  }

  private static String describe(Throwable err) {
    return err.getMessage() != null ? err.getMessage() : err.getClass().getSimpleName();
  }
}
