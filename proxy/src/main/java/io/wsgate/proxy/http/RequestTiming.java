package io.wsgate.proxy.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.httpproxy.ProxyContext;
import io.wsgate.metrics.Meters;

/**
 * The timestamps of one proxied request, kept on its {@link ProxyContext}, which turn into the request's
 * meters: the latency wsgate adds on the way in (received until the upstream request is handed to its
 * connection) and out (response head received until written to the client), the workspace's own time to
 * first byte, bytes both ways, and the outcome with its status class. One small object per request; the
 * meters themselves are pre-built in {@link Meters}.
 */
final class RequestTiming implements Handler<Void> {

  private static final String KEY = "wsgate.timing";

  private final Meters meters;
  private final long receivedNanos = System.nanoTime();
  private long sentNanos;
  private long headNanos;
  private String outcome = Meters.OK;

  private RequestTiming(Meters meters) {
    this.meters = meters;
  }

  /** The request entered the proxy. */
  static RequestTiming start(ProxyContext ctx, Meters meters) {
    RequestTiming t = new RequestTiming(meters);
    ctx.set(KEY, t);
    return t;
  }

  static RequestTiming of(ProxyContext ctx) {
    return ctx.get(KEY, RequestTiming.class);
  }

  /** The workspace connection took the request: what happened until now was wsgate's doing. */
  void sentUpstream() {
    sentNanos = System.nanoTime();
    meters.overheadRequest(sentNanos - receivedNanos);
  }

  /** The workspace failed; the response is the gateway's error page, tagged {@code tag}. */
  void failed(String tag) {
    outcome = tag;
  }

  /**
   * The response head is here (the workspace's, or our error page); {@code sending} completes when the
   * response has been written to the client.
   */
  Future<Void> responding(ProxyContext ctx, Future<Void> sending) {
    HttpServerRequest incoming = ctx.request().proxiedRequest();
    HttpServerResponse out = incoming.response();
    int status = ctx.response().getStatusCode();
    return sending.andThen((v, err) -> {
      meters.requestFinished(outcome, status);
      meters.httpBytes(incoming.bytesRead(), out.bytesWritten());
    });
  }

  /** Marks the response head's arrival; call before the response interceptor's own work. */
  void headArrived(ProxyContext ctx) {
    headNanos = System.nanoTime();
    if (outcome == Meters.OK && sentNanos != 0) {
      meters.upstreamFirstByte(headNanos - sentNanos);
    }
    ctx.request().proxiedRequest().response().headersEndHandler(this);
  }

  /** The response head is about to be written to the client. */
  @Override
  public void handle(Void v) {
    meters.overheadResponse(System.nanoTime() - headNanos);
  }
}
