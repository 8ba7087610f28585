package io.wsgate.provider.ecs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.wsgate.provider.ProviderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Runs one ECS API call as a Vert.x future on a given context: retries throttling with jittered exponential
 * backoff up to a bound, and turns what is left into a {@link ProviderException} a user can read. The SDK's
 * own retries are off, so this is the only retry loop and its bound is the one in {@link EcsTuning}.
 */
final class EcsCalls {

  private static final Logger log = LoggerFactory.getLogger(EcsCalls.class);

  private final EcsTuning tuning;

  EcsCalls(EcsTuning tuning) {
    this.tuning = tuning;
  }

  /** Calls {@code call}; its continuations run on {@code context}. */
  <T> Future<T> call(Context context, String operation, Supplier<CompletableFuture<T>> call) {
    return attempt(context, operation, call, 1);
  }

  private <T> Future<T> attempt(Context context, String operation, Supplier<CompletableFuture<T>> call, int n) {
    Future<T> result;
    try {
      result = Future.fromCompletionStage(call.get(), context);
    } catch (RuntimeException e) {
      // the SDK validates some arguments before it returns a future
      result = Future.failedFuture(e);
    }
    return result.recover(err -> {
      Throwable cause = unwrap(err);
      if (!isThrottling(cause)) {
        return Future.failedFuture(translate(operation, cause));
      }
      if (n >= tuning.throttleAttempts()) {
        log.warn("ECS {} throttled {} times, giving up", operation, n);
        return Future.failedFuture(new ProviderException("AWS is throttling ECS " + operation
            + " requests (gave up after " + n + " attempts); please try again in a minute", cause));
      }
      long delay = backoffMillis(n);
      log.debug("ECS {} throttled (attempt {}), retrying in {} ms", operation, n, delay);
      Promise<Void> waited = Promise.promise();
      context.owner().setTimer(delay, id -> waited.complete());
      return waited.future().compose(v -> attempt(context, operation, call, n + 1));
    });
  }

  /** Full jitter: uniform in [1, min(max, base * 2^(n-1))], so many gateways do not retry in step. */
  private long backoffMillis(int attempt) {
    long cap = Math.min(tuning.throttleMax().toMillis(),
        tuning.throttleBase().toMillis() << Math.min(attempt - 1, 20));
    return 1 + ThreadLocalRandom.current().nextLong(Math.max(cap, 1));
  }

  static boolean isThrottling(Throwable t) {
    return t instanceof AwsServiceException e && (e.isThrottlingException() || e.statusCode() == 429);
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The AWS error code of {@code t}, or "" if it is not an error answer of the ECS API. */
  static String errorCode(Throwable t) {
    if (t instanceof AwsServiceException e && e.awsErrorDetails() != null
        && e.awsErrorDetails().errorCode() != null) {
      return e.awsErrorDetails().errorCode();
    }
    return "";
  }

  private static Throwable translate(String operation, Throwable t) {
    if (t instanceof ProviderException) {
      return t;
    }
    if (t instanceof AwsServiceException e) {
      String message = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
          ? e.awsErrorDetails().errorMessage() : e.getMessage();
      return new ProviderException("ECS " + operation + " failed: " + message + " (" + errorCode(e) + ")", e);
    }
    if (t instanceof SdkClientException) {
      return new ProviderException("cannot reach the ECS API for " + operation + ": " + t.getMessage(), t);
    }
    return new ProviderException("ECS " + operation + " failed: " + t, t);
  }
}
