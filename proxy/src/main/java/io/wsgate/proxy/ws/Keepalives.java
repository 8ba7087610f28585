package io.wsgate.proxy.ws;

import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps idle relayed sockets open through load balancers with one periodic task per event loop that pings every
 * socket relayed on it, instead of a timer per socket: ten thousand idle tabs cost ten thousand set entries, not ten
 * thousand scheduled tasks. A socket is registered and removed on its own event loop (the Netty loop of its
 * channels, named by the caller), so each loop's set is only touched by that loop's thread. A socket is pinged at
 * most one period after it opened, then every period.
 *
 * <p>Keyed by the Netty loop itself, not by a Vert.x context: Vert.x runs each request's callbacks on a duplicated
 * context of its own, and the tunnel's close is seen by a channel handler with no context at all. Keyed by contexts,
 * every socket once got a set and a timer of its own, and its removal missed it.
 *
 * @param <S> what is pinged (a {@link Tunnel})
 */
final class Keepalives<S> {

  private static final Logger log = LoggerFactory.getLogger(Keepalives.class);

  private final long periodMs;
  private final Consumer<S> ping;
  private final Map<EventLoop, Set<S>> perLoop = new ConcurrentHashMap<>();

  Keepalives(long periodMs, Consumer<S> ping) {
    this.periodMs = periodMs;
    this.ping = ping;
  }

  /** Pings {@code socket} from now on; call on {@code loop}, the socket's own event loop. */
  void add(EventLoop loop, S socket) {
    perLoop.computeIfAbsent(loop, this::startSweep).add(socket);
  }

  /** Stops pinging {@code socket}; call on {@code loop}, the socket's own event loop. */
  void remove(EventLoop loop, S socket) {
    Set<S> sockets = perLoop.get(loop);
    if (sockets != null) {
      sockets.remove(socket);
    }
  }

  /** How many event loops have a sweep (one periodic task each). */
  int sweeps() {
    return perLoop.size();
  }

  /** How many sockets are pinged. */
  int sockets() {
    return perLoop.values().stream().mapToInt(Set::size).sum();
  }

  private Set<S> startSweep(EventLoop loop) {
    Set<S> sockets = new LinkedHashSet<>();
    loop.scheduleAtFixedRate(() -> {
      for (S socket : new ArrayList<>(sockets)) { // a ping may close its socket, which leaves the set
        try {
          ping.accept(socket);
        } catch (RuntimeException e) { // Netty drops a periodic task that throws: the other sockets' pings go on
          log.warn("keepalive ping failed", e);
        }
      }
    }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    return sockets;
  }
}
