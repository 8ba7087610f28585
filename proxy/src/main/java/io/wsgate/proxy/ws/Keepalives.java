package io.wsgate.proxy.ws;

import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Keeps idle relayed sockets open through load balancers with one periodic timer per event loop that pings every
 * socket relayed on it, instead of a timer per socket: ten thousand idle tabs cost ten thousand set entries, not ten
 * thousand scheduled tasks. A socket is registered and removed on its own event loop, so each loop's set is only
 * touched by that loop's thread. A socket is pinged at most one period after it opened, then every period.
 *
 * <p>The loop is the event loop's own context, not the context a callback runs on: Vert.x runs each request's
 * callbacks on a duplicated context of its own, so a socket's registration and its removal (its close handler) see
 * two different contexts of the same loop. Keyed by those, every socket got a set and a periodic timer of its own,
 * and its removal missed it: the closed socket, its connections and its timer stayed for the gateway's lifetime.
 *
 * @param <S> what is pinged (a {@link Tunnel})
 */
final class Keepalives<S> {

  private final Vertx vertx;
  private final long periodMs;
  private final Consumer<S> ping;
  private final Map<ContextInternal, Set<S>> perLoop = new ConcurrentHashMap<>();

  Keepalives(Vertx vertx, long periodMs, Consumer<S> ping) {
    this.vertx = vertx;
    this.periodMs = periodMs;
    this.ping = ping;
  }

  /** Pings {@code socket} from now on; call on the socket's own event loop. */
  void add(S socket) {
    perLoop.computeIfAbsent(loop(), this::startSweep).add(socket);
  }

  /** Stops pinging {@code socket}; call on the socket's own event loop (its close handler). */
  void remove(S socket) {
    Set<S> sockets = perLoop.get(loop());
    if (sockets != null) {
      sockets.remove(socket);
    }
  }

  /** How many event loops have a sweep (one timer each). */
  int sweeps() {
    return perLoop.size();
  }

  /** How many sockets are pinged. */
  int sockets() {
    return perLoop.values().stream().mapToInt(Set::size).sum();
  }

  private ContextInternal loop() {
    return ((ContextInternal) vertx.getOrCreateContext()).unwrap();
  }

  private Set<S> startSweep(ContextInternal loop) {
    Set<S> sockets = new LinkedHashSet<>();
    loop.setPeriodic(periodMs, t -> {
      for (S socket : sockets) {
        ping.accept(socket);
      }
    });
    return sockets;
  }
}
