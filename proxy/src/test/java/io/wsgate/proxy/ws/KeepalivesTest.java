package io.wsgate.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One keepalive sweep per event loop, and a closed socket leaves it. In the gateway a socket is registered from a
 * request callback (on a duplicated Vert.x context of its own) and removed by a channel handler (with no context):
 * both name the socket's Netty loop, so both reach the same set.
 */
class KeepalivesTest {

  final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void socketsOfOneLoopShareOneSweepAndLeaveIt() throws Exception {
    Keepalives<Object> keepalives = new Keepalives<>(3_600_000, socket -> { });
    List<EventLoop> loops = List.of(loop(), loop());
    assertThat(loops.get(0)).isNotSameAs(loops.get(1));
    List<Object> sockets = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sockets.add(new Object());
    }
    onLoops(loops, sockets, keepalives::add);
    assertThat(keepalives.sweeps()).isEqualTo(2);
    assertThat(keepalives.sockets()).isEqualTo(200);

    onLoops(loops, sockets, keepalives::remove);
    assertThat(keepalives.sockets()).isZero();
    assertThat(keepalives.sweeps()).isEqualTo(2);
  }

  @Test
  void aSweepPingsEverySocketOfItsLoopAndASocketThatLeavesDuringIt() throws Exception {
    EventLoop loop = loop();
    List<Object> pinged = new ArrayList<>();
    CompletableFuture<Void> swept = new CompletableFuture<>();
    Object first = new Object();
    Object second = new Object();
    Keepalives<Object>[] self = new Keepalives[1];
    self[0] = new Keepalives<>(20, socket -> {
      pinged.add(socket);
      self[0].remove(loop, socket); // as a ping whose write fails closes its socket
      if (pinged.size() == 2) {
        swept.complete(null);
      }
    });
    loop.submit(() -> {
      self[0].add(loop, first);
      self[0].add(loop, second);
    }).get(10, TimeUnit.SECONDS);
    swept.get(30, TimeUnit.SECONDS);
    assertThat(loop.submit(() -> List.copyOf(pinged)).get(10, TimeUnit.SECONDS)).containsExactly(first, second);
    assertThat(self[0].sockets()).isZero();
  }

  /** The Netty loop of a new Vert.x event-loop context (round robin over the pool). */
  private EventLoop loop() {
    return ((VertxInternal) vertx).createEventLoopContext().nettyEventLoop();
  }

  /** Runs {@code action} for each socket on its loop (the loops in turn), and waits. */
  private static void onLoops(List<EventLoop> loops, List<Object> sockets, BiConsumer<EventLoop, Object> action)
      throws Exception {
    for (int i = 0; i < sockets.size(); i++) {
      EventLoop loop = loops.get(i % loops.size());
      Object socket = sockets.get(i);
      loop.submit(() -> action.accept(loop, socket)).get(10, TimeUnit.SECONDS);
    }
  }
}
