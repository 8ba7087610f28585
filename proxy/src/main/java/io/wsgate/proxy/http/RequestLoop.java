package io.wsgate.proxy.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Brings a request's work back to its own event loop. Futures from shared parts (the Redis store, the launcher)
 * complete on whatever context they were made on; the gateway's HTTP server runs in Vert.x's strict thread mode,
 * where a response written from another thread throws, so whatever continues a request after such a future must
 * run on the request's context.
 */
public final class RequestLoop {

  private RequestLoop() {
  }

  /** {@code f}'s outcome, delivered on {@code ctx}: at once when it completes there, else by a hop onto it. */
  public static <T> Future<T> resumeOn(Context ctx, Future<T> f) {
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> {
      if (Context.isOnEventLoopThread() && ctx == Vertx.currentContext()) {
        p.handle(ar);
      } else {
        ctx.runOnContext(v -> p.handle(ar));
      }
    });
    return p.future();
  }
}
