package io.wsgate.proxy.http;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.wsgate.proxy.error.GatewayError;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/** Classifies a failure talking to a workspace into a {@link GatewayError}. */
public final class UpstreamErrors {

  private UpstreamErrors() {
  }

  public static GatewayError classify(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof BadResponseException) {
        return GatewayError.UPSTREAM_BAD_RESPONSE;
      }
      if (t instanceof WorkspaceConnections.PoolFullException) {
        // more requests than its connections can carry wait for this workspace: it is too slow to answer them
        return GatewayError.UPSTREAM_TIMEOUT;
      }
      if (t instanceof ConnectTimeoutException || t instanceof TimeoutException) {
        return GatewayError.UPSTREAM_TIMEOUT;
      }
      if (t instanceof ConnectException) {
        return GatewayError.UPSTREAM_REFUSED;
      }
      if (t instanceof HttpClosedException || t instanceof StreamResetException
          || t instanceof java.io.IOException) {
        return GatewayError.UPSTREAM_RESET;
      }
      String m = t.getMessage();
      if (m != null && m.contains("timeout period")) {
        return GatewayError.UPSTREAM_TIMEOUT;
      }
    }
    return GatewayError.UPSTREAM_RESET;
  }

  public static String detail(GatewayError kind) {
    return switch (kind) {
      case UPSTREAM_REFUSED -> "Your workspace is not accepting connections. It will be started again on your next request.";
      case UPSTREAM_TIMEOUT -> "Your workspace did not answer in time. Try again in a moment.";
      case UPSTREAM_BAD_RESPONSE -> "Your workspace sent an answer that is not valid HTTP, so the gateway did not "
          + "pass it on.";
      default -> "The connection to your workspace broke off. Try again; if it keeps happening it will be restarted.";
    };
  }
}
