package io.wsgate.launch;

/**
 * A launch was refused because the fleet is at its running cap (global or per profile). Not the workspace's
 * fault, so it is not recorded as a failed launch; the user is asked to retry later (503).
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
