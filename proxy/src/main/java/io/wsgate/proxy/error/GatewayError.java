package io.wsgate.proxy.error;

/**
 * Every way a request can fail at the gateway, with the status the user gets, a title for the page, a bounded
 * tag for logs and metrics, and, where one sentence fits every occurrence, the sentence the user reads and the
 * Retry-After that goes with it ({@link GatewayFailure#of(GatewayError)}). Users never see an empty error.
 */
public enum GatewayError {
  UNKNOWN_HOST(404, "No workspace here", "unknown_host"),
  NOT_FOUND(404, "Not found", "not_found"),
  LAUNCH_FAILED(503, "Your workspace could not be started", "launch_failed"),
  STILL_STARTING(503, "Your workspace is still starting", "hold_timeout",
      "Your workspace is still starting. Try again in a few seconds.", 5),
  STOPPED_IDLE(503, "Your workspace was stopped while nobody used it", "stopped_idle",
      "This workspace was stopped because nobody used it for a while. Your files are safe. "
          + "Reload the page to start it again.", 0),
  UPSTREAM_REFUSED(502, "Your workspace is not answering", "upstream_refused"),
  UPSTREAM_RESET(502, "Your workspace closed the connection", "upstream_reset"),
  UPSTREAM_TIMEOUT(504, "Your workspace took too long to answer", "upstream_timeout"),
  /** The workspace's response cannot be passed on as it is (a transfer coding other than chunked). */
  UPSTREAM_BAD_RESPONSE(502, "Your workspace sent a response the gateway cannot pass on", "upstream_bad_response"),
  /** The client hung up before its response: nobody's fault, nothing is sent (499 as in nginx, for metrics). */
  CLIENT_CLOSED(499, "The client closed the connection", "client_closed"),
  REDIS_UNAVAILABLE(503, "The gateway cannot reach its state store", "redis_unavailable",
      "The gateway cannot start or find workspaces right now (it cannot reach its state store). "
          + "Workspaces that are open keep working. Try again in a few seconds.", 5),
  /** A stopping replica refuses new WebSocket upgrades; the tab retries and lands on another replica. */
  DRAINING(503, "This gateway is restarting", "draining", "This gateway is restarting. Reconnect in a moment.", 1),
  INTERNAL(500, "Something went wrong in the gateway", "internal"),
  // security: see io.wsgate.proxy.auth and io.wsgate.proxy.edge
  BAD_REQUEST(400, "The gateway could not understand this request", "bad_request"),
  UNAUTHENTICATED(401, "Please open your workspace from your course page", "unauthenticated"),
  NOT_OWNER(403, "This workspace belongs to someone else", "not_owner"),
  ORIGIN_REJECTED(403, "Connection from another site refused", "origin_rejected"),
  UNKNOWN_PROFILE(400, "Unknown kind of workspace", "unknown_profile"),
  TOO_MANY_LAUNCHES(429, "Too many workspaces starting", "launch_limited"),
  AT_CAPACITY(503, "No room for another workspace right now", "capacity");

  private final int status;
  private final String title;
  private final String tag;
  private final String detail;
  private final long retryAfterSeconds;

  GatewayError(int status, String title, String tag) {
    this(status, title, tag, title + ".", 0);
  }

  GatewayError(int status, String title, String tag, String detail, long retryAfterSeconds) {
    this.status = status;
    this.title = title;
    this.tag = tag;
    this.detail = detail;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** What the user reads when the failure has nothing more specific to say. */
  public String detail() {
    return detail;
  }

  /** The Retry-After that goes with {@link #detail()}; 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
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
