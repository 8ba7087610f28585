package io.wsgate.proxy.error;

/**
 * Every way a request can fail at the gateway, with the status the user gets, a title for the page, and
 * a bounded tag for logs and metrics. Users never see an empty error.
 */
public enum GatewayError {
  UNKNOWN_HOST(404, "No workspace here", "unknown_host"),
  NOT_FOUND(404, "Not found", "not_found"),
  LAUNCH_FAILED(503, "Your workspace could not be started", "launch_failed"),
  STILL_STARTING(503, "Your workspace is still starting", "hold_timeout"),
  AT_CAPACITY(503, "All workspaces are busy", "capacity"),
  UPSTREAM_REFUSED(502, "Your workspace is not answering", "upstream_refused"),
  UPSTREAM_RESET(502, "Your workspace closed the connection", "upstream_reset"),
  UPSTREAM_TIMEOUT(504, "Your workspace took too long to answer", "upstream_timeout"),
  REDIS_UNAVAILABLE(503, "The gateway cannot reach its state store", "redis_unavailable"),
  INTERNAL(500, "Something went wrong in the gateway", "internal");

  private final int status;
  private final String title;
  private final String tag;

  GatewayError(int status, String title, String tag) {
    this.status = status;
    this.title = title;
    this.tag = tag;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** Bounded value for logs and the {@code error} metric tag. */
  public String tag() {
    return tag;
  }
}
