package io.wsgate.store;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.wsgate.testing.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real Redis at {@code maxmemory} with {@code noeviction}: a refused pipelined batch (the activity flush) is an
 * outage of writes from its first failure, and a write Redis still runs at full memory (DEL) does not end it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisReachabilityTest {

  final Vertx vertx = Vertx.vertx();
  final RedisFixture server = RedisFixture.start();
  final RedisStore store = new RedisStore(Redis.createClient(vertx, server.url()), Duration.ofSeconds(2));
  final Redis admin = Redis.createClient(vertx, server.url());

  @AfterEach
  void stop() {
    vertx.close().await();
    server.close();
  }

  @Test
  void refusedBatchIsAnOutageUntilAWriteThatCouldBeRefusedSucceeds() {
    store.send(Request.cmd(Command.SET).arg("before").arg("1")).await();
    config("maxmemory-policy", "noeviction");
    config("maxmemory", "1");

    assertThatThrownBy(() -> store.batch(List.of(
        Request.cmd(Command.ZADD).arg("a").arg(1).arg("x"),
        Request.cmd(Command.HSET).arg("b").arg("f").arg("v"))).await())
        .hasMessageContaining("OOM");
    assertThat(store.reachability().inOutage()).as("a refused batch starts the outage at once").isTrue();
    assertThat(store.reachability().isDown()).as("Redis answered: refusing, not unreachable").isFalse();

    store.send(Request.cmd(Command.DEL).arg("before")).await();
    store.send(Request.cmd(Command.GET).arg("before")).await();
    store.send(Request.cmd(Command.EVAL).arg("return redis.call('PEXPIRE', KEYS[1], 1000)").arg(1).arg("x")).await();
    // the reads the gateway sends while it runs: the reaper's ZMSCORE every control tick, the launch log's LRANGE
    store.send(Request.cmd(Command.ZMSCORE).arg("a").arg("x")).await();
    store.send(Request.cmd(Command.LRANGE).arg("l").arg(0).arg(-1)).await();
    assertThat(store.reachability().inOutage()).as("DEL, reads and a script that only sets an expiry run at full "
        + "memory; they prove nothing").isTrue();

    config("maxmemory", "0");
    store.send(Request.cmd(Command.SET).arg("after").arg("1")).await();
    assertThat(store.reachability().inOutage()).as("a write that could have been refused succeeded").isFalse();
  }

  /** After a failover the old primary, demoted to a replica, answers writes with READONLY. */
  @Test
  void demotedPrimaryAnsweringReadOnlyRefusesWrites() {
    RedisFixture primary = RedisFixture.start();
    try {
      admin.send(Request.cmd(Command.REPLICAOF).arg("127.0.0.1").arg(primary.server().port())).await();
      assertThatThrownBy(() -> store.send(Request.cmd(Command.SET).arg("k").arg("v")).await())
          .hasMessageContaining("READONLY");
      assertThat(store.reachability().inOutage()).isTrue();
      admin.send(Request.cmd(Command.REPLICAOF).arg("NO").arg("ONE")).await();
      store.send(Request.cmd(Command.SET).arg("k").arg("v")).await();
      assertThat(store.reachability().inOutage()).isFalse();
    } finally {
      primary.close();
    }
  }

  @Test
  void otherErrorRepliesAreAnswers() {
    store.send(Request.cmd(Command.SET).arg("s").arg("text")).await();
    assertThatThrownBy(() -> store.batch(List.of(
        Request.cmd(Command.INCR).arg("s"),
        Request.cmd(Command.SET).arg("t").arg("1"))).await())
        .hasMessageContaining("not an integer");
    assertThat(store.reachability().inOutage()).isFalse();
  }

  private void config(String key, String value) {
    admin.send(Request.cmd(Command.CONFIG).arg("SET").arg(key).arg(value)).await();
  }
}
