package io.wsgate.launch;

/**
 * No workspace can be started now because the fleet is at its running cap. {@link #getMessage()} is shown to
 * the user; the gateway answers 503 with {@link #retryAfterSeconds()} as {@code Retry-After}.
 */
public final class CapacityException extends RuntimeException {

  private final long retryAfterSeconds;

  public CapacityException(String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
