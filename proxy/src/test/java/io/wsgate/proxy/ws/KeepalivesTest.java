package io.wsgate.proxy.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One keepalive sweep per event loop, and a closed socket leaves it. In the gateway a socket is registered from one
 * request callback and removed from its close handler, and Vert.x runs each on a duplicated context of its own, so
 * this test does the same: each registration and removal on a fresh duplicate of one event loop's context. Keyed by
 * the callback's context, each of the 200 sockets got a timer of its own and none was ever removed.
 */
class KeepalivesTest {

  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void socketsOpenedAndClosedOnDuplicatedContextsShareOneSweepAndLeaveIt() {
    Keepalives<Object> keepalives = new Keepalives<>(vertx, 3_600_000, socket -> { });
    ContextInternal loop = (ContextInternal) vertx.getOrCreateContext();
    List<Object> sockets = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sockets.add(new Object());
    }
    onDuplicates(loop, sockets, keepalives::add);
    assertThat(keepalives.sweeps()).isEqualTo(1);
    assertThat(keepalives.sockets()).isEqualTo(200);

    onDuplicates(loop, sockets, keepalives::remove);
    assertThat(keepalives.sockets()).isZero();
    assertThat(keepalives.sweeps()).isEqualTo(1);
  }

  /** Runs {@code action} for each socket on a duplicate of {@code loop} of its own, and waits for all of them. */
  private static void onDuplicates(ContextInternal loop, List<Object> sockets,
                                   java.util.function.Consumer<Object> action) {
    for (Object socket : sockets) {
      Promise<Void> done = Promise.promise();
      loop.duplicate().runOnContext(v -> {
        action.accept(socket);
        done.complete();
      });
      done.future().await();
    }
  }
}
