package io.wsgate.launch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.wsgate.provider.ProviderException;
import io.wsgate.time.Deadline;
import io.wsgate.workspace.Endpoint;

/**
 * Polls a workspace's readiness path until it answers below 500, the workspace stops by itself, or the
 * deadline passes, whichever comes first. Backs off from 100 ms to 1 s between attempts. The deadline is on the
 * monotonic clock, like every local wait (see {@link io.wsgate.time}).
 */
public final class ReadinessProbe {

  private static final long FIRST_INTERVAL_MS = 100;
  private static final long MAX_INTERVAL_MS = 1_000;

  private final Vertx vertx;
  private final HttpClient client;

  public ReadinessProbe(Vertx vertx, HttpClient client) {
    this.vertx = vertx;
    this.client = client;
  }

  /**
   * @param authority  Host header to send (some workspaces check it)
   * @param terminated completes with a reason if the workspace stops by itself
   */
  public Future<Void> await(Endpoint endpoint, String authority, String path, Deadline deadline,
                            Future<String> terminated) {
    Promise<Void> ready = Promise.promise();
    terminated.onSuccess(reason -> ready.tryFail(new ProviderException(reason)));
    attempt(endpoint, authority, path, deadline, ready, FIRST_INTERVAL_MS);
    return ready.future();
  }

  /** What one probe of a routed workspace found, as evidence of whether it still lives. */
  public enum Outcome {
    /** Any HTTP response, even a 5xx: something serves on the port. */
    ANSWERED,
    /** The connection was refused: nothing listens on the port. */
    REFUSED,
    /** No answer in time, or the connection broke: what a dead and a very busy workspace both look like. */
    SILENT
  }

  /** One probe of a routed workspace: whether anything answers on its port, and if not, how it failed. */
  public Future<Outcome> check(Endpoint endpoint, String authority, String path) {
    return send(endpoint, authority, path).map(status -> Outcome.ANSWERED).recover(err -> {
      for (Throwable t = err; t != null; t = t.getCause()) {
        if (t instanceof java.net.ConnectException && !(t instanceof io.netty.channel.ConnectTimeoutException)) {
          return Future.succeededFuture(Outcome.REFUSED);
        }
      }
      return Future.succeededFuture(Outcome.SILENT);
    });
  }

  /** One probe: true if the workspace answered below 500. */
  public Future<Boolean> probeOnce(Endpoint endpoint, String authority, String path) {
    return send(endpoint, authority, path).map(status -> status < 500).otherwise(false);
  }

  /** One GET of {@code path}; completes with the status once the body is read, fails if no response came. */
  private Future<Integer> send(Endpoint endpoint, String authority, String path) {
    RequestOptions opts = new RequestOptions().setMethod(HttpMethod.GET)
        .setServer(SocketAddress.inetSocketAddress(endpoint.port(), endpoint.host()))
        .setHost(authority).setPort(80).setURI(path).setConnectTimeout(1_000).setIdleTimeout(5_000)
        .putHeader("user-agent", "wsgate-readiness");
    Future<io.vertx.core.http.HttpClientRequest> request;
    try {
      request = client.request(opts);
    } catch (IllegalStateException closed) {
      return Future.failedFuture(closed); // the gateway is shutting down
    }
    return request.compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())));
  }

  private void attempt(Endpoint endpoint, String authority, String path, Deadline deadline, Promise<Void> ready,
                       long interval) {
    if (ready.future().isComplete()) {
      return;
    }
    probeOnce(endpoint, authority, path).onComplete(ar -> {
      if (ready.future().isComplete()) {
        return;
      }
      if (ar.succeeded() && ar.result()) {
        ready.tryComplete();
        return;
      }
      long left = deadline.remainingMillis();
      if (left == 0) {
        ready.tryFail(new ProviderException("the workspace did not answer on " + path + " in time"));
        return;
      }
      long wait = Math.min(interval, left);
      vertx.setTimer(wait, t -> attempt(endpoint, authority, path, deadline, ready,
          Math.min(MAX_INTERVAL_MS, interval * 3 / 2)));
    });
  }
}
