package io.wsgate.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Subscribes to {@code wsgate:events} on a dedicated Redis connection and hands each {@link RouteEvent} to
 * the listeners. When the connection drops, the subscription is re-established with backoff, and once it is back
 * listeners get {@link #onResync} (they may have missed events meanwhile: caches flush).
 */
public final class RouteEvents {

  private static final Logger log = LoggerFactory.getLogger(RouteEvents.class);
  private static final long MAX_BACKOFF_MS = 10_000;

  private final Vertx vertx;
  private final Redis redis;
  private final List<Consumer<RouteEvent>> listeners = new CopyOnWriteArrayList<>();
  private boolean warnedSinceLost;
  private final List<Runnable> restoredListeners = new CopyOnWriteArrayList<>();
  private final List<Runnable> resyncListeners = new CopyOnWriteArrayList<>();
  private volatile RedisConnection connection;
  private volatile boolean closed;
  private long backoffMs = 250;

  public RouteEvents(Vertx vertx, Redis redis) {
    this.vertx = vertx;
    this.redis = redis;
  }

  public void onEvent(Consumer<RouteEvent> listener) {
    listeners.add(listener);
  }

  public void onResync(Runnable listener) {
    resyncListeners.add(listener);
  }

  /**
   * {@code listener} runs each time the subscription is restored after a loss: Redis is back, and may have come back
   * empty (restarted without persistence, or failed over to a replica that missed writes).
   */
  public void onRestored(Runnable listener) {
    restoredListeners.add(listener);
  }

  /** Subscribes; completes once the first subscription is active. */
  public Future<Void> start() {
    return connect();
  }

  private Future<Void> connect() {
    return redis.connect().compose(conn -> {
      connection = conn;
      conn.handler(this::dispatch);
      conn.exceptionHandler(err -> log.warn("redis event subscription failed: {}", err.toString()));
      conn.endHandler(v -> lost());
      return conn.send(Request.cmd(Command.SUBSCRIBE).arg(Keys.EVENTS_CHANNEL));
    }).onSuccess(r -> backoffMs = 250).mapEmpty();
  }

  private void lost() {
    connection = null;
    if (closed) {
      return;
    }
    // no resync yet: while Redis is away, what listeners cached is all there is to serve from (the route cache
    // keeps open workspaces working); they resync once the subscription is back and Redis can be read again
    retry();
  }

  private void retry() {
    long delay = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    vertx.setTimer(delay, t -> {
      if (closed) {
        return;
      }
      connect().onSuccess(v -> {
        log.info("redis event subscription restored");
        warnedSinceLost = false;
        resyncListeners.forEach(Runnable::run);
        restoredListeners.forEach(Runnable::run);
      }).onFailure(err -> {
        if (warnedSinceLost) {
          log.debug("redis event subscription: {} (retrying in {} ms)", err.getMessage(), backoffMs);
        } else {
          warnedSinceLost = true; // once per outage; the retries go on with backoff
          log.warn("redis event subscription: {} (retrying with backoff up to {} ms)", err.getMessage(),
              MAX_BACKOFF_MS);
        }
        retry();
      });
    });
  }

  private void dispatch(Response msg) {
    // RESP2 and RESP3 both deliver ["message", channel, payload]
    if (msg == null || msg.size() < 3 || !"message".equals(msg.get(0).toString())) {
      return;
    }
    RouteEvent.parse(msg.get(2).toString()).ifPresent(e -> {
      for (Consumer<RouteEvent> l : listeners) {
        l.accept(e);
      }
    });
  }

  public Future<Void> close() {
    closed = true;
    RedisConnection c = connection;
    return c == null ? Future.succeededFuture() : c.close();
  }
}
