package io.wsgate.launch;

/**
 * A workspace could not be launched. {@link #getMessage()} is the reason shown to the user;
 * {@link #retryAfterSeconds()} is how long before wsgate will try again.
 */
public final class LaunchException extends RuntimeException {

  private final long retryAfterSeconds;

  public LaunchException(String reason, long retryAfterSeconds) {
    super(reason, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
