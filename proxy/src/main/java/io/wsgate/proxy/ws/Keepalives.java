package io.wsgate.proxy.ws;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

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
  private final Map<Context, Set<Tunnel>> perLoop = new ConcurrentHashMap<>();

  Keepalives(Vertx vertx, long periodMs) {
    this.vertx = vertx;
    this.periodMs = periodMs;
  }

  /** Pings {@code ws} from now on; call on the socket's own event loop. */
  void add(Tunnel ws) {
    perLoop.computeIfAbsent(vertx.getOrCreateContext(), this::startSweep).add(ws);
  }

  /** Stops pinging {@code ws}; call on the socket's own event loop (its close handler). */
  void remove(Tunnel ws) {
    Set<Tunnel> sockets = perLoop.get(vertx.getOrCreateContext());
    if (sockets != null) {
      sockets.remove(ws);
    }
  }

  private Set<Tunnel> startSweep(Context ctx) {
    Set<Tunnel> sockets = new LinkedHashSet<>();
    // called on ctx's thread, so the timer fires there too
    vertx.setPeriodic(periodMs, t -> {
      for (Tunnel ws : sockets) {
        ws.ping();
      }
    });
    return sockets;
  }
}
