package io.wsgate.proxy.error;

import io.wsgate.launch.CapacityException;
import io.wsgate.launch.LaunchException;

import static java.util.Objects.requireNonNull;

/**
 * A request the gateway cannot serve: its {@link GatewayError kind}, the sentence the user reads and the Retry-After,
 * in one value that travels down a Future chain to the one place that answers it ({@link ErrorResponses#send}).
 * No stack trace: it is an answer, not a bug.
 */
public final class GatewayFailure extends RuntimeException {

  private final GatewayError kind;
  private final long retryAfterSeconds;

  private GatewayFailure(GatewayError kind, String detail, long retryAfterSeconds) {
    super(requireNonNull(detail, "detail"), null, false, false);
    this.kind = requireNonNull(kind, "kind");
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** {@code kind} with its own sentence and Retry-After. */
  public static GatewayFailure of(GatewayError kind) {
    return new GatewayFailure(kind, kind.detail(), kind.retryAfterSeconds());
  }

  public static GatewayFailure of(GatewayError kind, String detail, long retryAfterSeconds) {
    return new GatewayFailure(kind, detail, retryAfterSeconds);
  }

  /**
   * {@code err} as a failure to answer: itself if it is one, a failed launch or a full fleet with their own
   * message and Retry-After, anything else as {@code otherwise} with that kind's sentence.
   */
  public static GatewayFailure from(Throwable err, GatewayError otherwise) {
    if (err instanceof GatewayFailure f) {
      return f;
    }
    if (err instanceof LaunchException e) {
      return of(GatewayError.LAUNCH_FAILED, e.getMessage(), e.retryAfterSeconds());
    }
    if (err instanceof CapacityException e) {
      return of(GatewayError.AT_CAPACITY, e.getMessage(), e.retryAfterSeconds());
    }
    return of(otherwise);
  }

  public GatewayError kind() {
    return kind;
  }

  /** The sentence the user reads. */
  public String detail() {
    return getMessage();
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
