package io.wsgate.proxy.ws;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps idle relayed sockets open through load balancers with one periodic timer per event loop that pings every
 * socket relayed on it, instead of a timer per socket: ten thousand idle tabs cost ten thousand set entries, not ten
 * thousand scheduled tasks. A socket is registered and removed on its own event loop, so each loop's set is only
 * touched by that loop's thread. A socket is pinged at most one period after it opened, then every period.
 */
final class Keepalives {

  private final Vertx vertx;
  private final long periodMs;
  private final Buffer payload;
  private final Map<Context, Set<ServerWebSocket>> perLoop = new ConcurrentHashMap<>();

  Keepalives(Vertx vertx, long periodMs, Buffer payload) {
    this.vertx = vertx;
    this.periodMs = periodMs;
    this.payload = payload;
  }

  /** Pings {@code ws} from now on; call on the socket's own event loop. */
  void add(ServerWebSocket ws) {
    perLoop.computeIfAbsent(vertx.getOrCreateContext(), this::startSweep).add(ws);
  }

  /** Stops pinging {@code ws}; call on the socket's own event loop (its close handler). */
  void remove(ServerWebSocket ws) {
    Set<ServerWebSocket> sockets = perLoop.get(vertx.getOrCreateContext());
    if (sockets != null) {
      sockets.remove(ws);
    }
  }

  private Set<ServerWebSocket> startSweep(Context ctx) {
    Set<ServerWebSocket> sockets = new LinkedHashSet<>();
    // called on ctx's thread, so the timer fires there too
    vertx.setPeriodic(periodMs, t -> {
      for (ServerWebSocket ws : sockets) {
        if (!ws.isClosed()) {
          ws.writePing(payload);
        }
      }
    });
    return sockets;
  }
}
