package io.wsgate.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.wsgate.testing.RedisFixture;
import io.wsgate.workspace.Endpoint;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MemoryRedis} answers every command and script wsgate sends as a real Redis does: each step below runs
 * through wsgate's own store classes (or as a raw command) once against a real redis-server and once against the
 * in-memory store, and both the reply and every key afterwards (type, value, whether it expires) must be the same.
 * The steps walk every script through its branches (lock held or lost, fence held or lost, capacity, a cold start's
 * history and its trimming, idle or just active) and the commands with the options wsgate uses.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemoryRedisConformanceTest {

  private static final long NOW = 1_772_409_600_000L; // 2026-03-02T00:00:00Z
  private static final WorkspaceId ALICE = new WorkspaceId("alice");
  private static final WorkspaceId BOB = new WorkspaceId("bob");
  private static final List<String> PROFILES = List.of("code", "data");

  private static RedisFixture fixture;
  private static Vertx vertx;
  private Context context;
  private Stores real;
  private Stores memory;

  /** wsgate's store classes over one Redis. */
  private record Stores(Redis raw, RedisStore store, FleetStore fleet, ActivityStore activity, FleetViews views) {
    static Stores over(Redis raw) {
      RedisStore store = new RedisStore(raw, Duration.ofSeconds(10));
      return new Stores(raw, store, new FleetStore(store), new ActivityStore(store), new FleetViews(store));
    }

    Future<Response> cmd(Command c, Object... args) {
      Request r = Request.cmd(c);
      for (Object a : args) {
        r.arg(a.toString());
      }
      return raw.send(r);
    }
  }

  @BeforeAll
  static void startRedis() {
    fixture = RedisFixture.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopRedis() {
    vertx.close().await();
    fixture.close();
  }

  @BeforeEach
  void freshStores() {
    context = vertx.getOrCreateContext();
    real = Stores.over(Redis.createClient(vertx, fixture.url()));
    on(() -> real.cmd(Command.FLUSHALL)).await();
    memory = Stores.over(new MemoryRedis(vertx));
  }

  @Test
  void launchScriptsAndTheRoutesTheyWrite() {
    same("lock", s -> s.store.tryLock(ALICE, "t1", Duration.ofSeconds(30)));
    same("lock held", s -> s.store.tryLock(ALICE, "t2", Duration.ofSeconds(30)));
    same("mark starting, wrong token", s -> s.store.markStarting(ALICE, "t2", "code", "starting", NOW, "L1"));
    same("mark starting", s -> s.store.markStarting(ALICE, "t1", "code", "starting", NOW, "L1"));
    same("phase", s -> s.store.setPhase(ALICE, "t1", "L1", "waiting for the workspace to answer"));
    same("phase, wrong token", s -> s.store.setPhase(ALICE, "t9", "L1", "nope"));
    same("reserve", s -> s.fleet.reserve("L1", "code", 10, 5, NOW, NOW - 600_000, false, "", PROFILES));
    same("read starting", s -> s.store.read(ALICE));
    same("publish cold", s -> s.store.publishRoute(route(ALICE, "L1", NOW + 1), "t1", "cold", 93_000));
    same("publish again: lock gone", s -> s.store.publishRoute(route(ALICE, "L1", NOW + 1), "t1", "cold", 1));
    same("read running", s -> s.store.read(ALICE));
    same("history", s -> s.fleet.history().read("code", NOW + 60_000));
    same("running", s -> s.fleet.running().map(MemoryRedisConformanceTest::sorted));
    same("fail: lock", s -> s.store.tryLock(BOB, "b1", Duration.ofSeconds(30)));
    same("fail: starting", s -> s.store.markStarting(BOB, "b1", "data", "starting", NOW, "B1"));
    same("fail", s -> s.store.failLaunch(BOB, "b1", "B1", new LaunchFailure("no capacity", 2, NOW + 30_000)));
    same("failure", s -> s.store.failure(BOB));
    same("no failure", s -> s.store.failure(ALICE));
    same("release, not held", s -> s.store.releaseLock(BOB, "b1"));
    same("lock again", s -> s.store.tryLock(BOB, "b2", Duration.ofSeconds(30)));
    same("release", s -> s.store.releaseLock(BOB, "b2"));
    same("drop, other launch", s -> s.store.dropRoute(ALICE, "L0"));
    same("drop", s -> s.store.dropRoute(ALICE, "L1"));
    same("drop again", s -> s.store.dropRoute(ALICE, "L1"));
    same("record launch", s -> s.views.recordLaunch("{\"id\":\"alice\"}", 2));
    same("record launch 2", s -> s.views.recordLaunch("{\"id\":\"bob\"}", 2));
    same("record launch 3", s -> s.views.recordLaunch("{\"id\":\"carol\"}", 2));
    same("recent", s -> s.views.recentLaunches(5));
  }

  @Test
  void coldStartHistoryIsKeptBoundedByAgeAndCount() {
    // 55 cold launches a day apart from 40 days back: the oldest fall out of the 5-week window, the cold starts
    // keep the newest 50; a warm launch adds to the launches only
    for (int i = 0; i < 55; i++) {
      WorkspaceId id = new WorkspaceId("w" + i);
      long began = NOW - (40 - i) * 86_400_000L;
      String launch = "C" + i;
      long since = began - 61_000 - i;
      same("lock " + i, s -> s.store.tryLock(id, "t", Duration.ofSeconds(30)));
      same("starting " + i, s -> s.store.markStarting(id, "t", "code", "starting", since, launch));
      same("publish " + i, s -> s.store.publishRoute(route(id, launch, began), "t", "cold", 61_000));
    }
    same("warm lock", s -> s.store.tryLock(ALICE, "t", Duration.ofSeconds(30)));
    same("warm publish", s -> s.store.publishRoute(route(ALICE, "W1", NOW + 5), "t", "warm", 200));
    same("history now", s -> s.fleet.history().read("code", NOW + 10));
    same("history a week on", s -> s.fleet.history().read("code", NOW + 7 * 86_400_000L));
  }

  @Test
  void poolScriptsFenceCountAndClaim() {
    same("acquire", s -> s.fleet.acquireLease("r1", 60_000));
    same("acquire taken", s -> s.fleet.acquireLease("r2", 60_000));
    same("renew", s -> s.fleet.renewLease("r1:1", 60_000));
    same("renew, not leader", s -> s.fleet.renewLease("r2:1", 60_000));
    same("reserve fenced", s -> s.fleet.reserve("P0", "code", 10, 3, NOW, NOW - 1, true, "r2:1", PROFILES));
    for (int i = 1; i <= 4; i++) {
      String id = "P" + i;
      same("reserve pool " + i, s -> s.fleet.reserve(id, "code", 10, 3, NOW + 1, NOW - 1, true, "r1:1", PROFILES));
    }
    same("reserve total cap", s -> s.fleet.reserve("D1", "data", 3, 0, NOW, NOW - 1, false, "", PROFILES));
    same("stale dropped", s -> s.fleet.reserve("D2", "data", 10, 0, NOW + 2, NOW + 1, false, "", PROFILES));
    same("pool state", s -> s.fleet.poolState("code"));
    PoolMember p1 = new PoolMember("P1", "task-1", new Endpoint("10.0.0.1", 8080));
    PoolMember p2 = new PoolMember("P2", "task-2", new Endpoint("10.0.0.2", 8080));
    same("promote, not leader", s -> s.fleet.promote("r2:1", "code", p1, NOW + 90_000));
    same("promote", s -> s.fleet.promote("r1:1", "code", p1, NOW + 90_000));
    same("promote again", s -> s.fleet.promote("r1:1", "code", p1, NOW + 90_000));
    same("promote 2", s -> s.fleet.promote("r1:1", "code", p2, NOW + 80_000));
    same("ready", s -> s.fleet.ready("code"));
    same("starting", s -> s.fleet.starting("code"));
    same("claim", s -> s.fleet.claim("code", NOW + 100_000));
    same("under way", s -> s.fleet.launchesUnderWay("code", NOW));
    same("under way, stale", s -> s.fleet.launchesUnderWay("data", NOW + 5));
    same("release", s -> s.fleet.release("P2", "code"));
    same("remove ready, not leader", s -> s.fleet.removeReady("r2:1", "code", p1));
    same("remove ready", s -> s.fleet.removeReady("r1:1", "code", p1));
    same("remove ready unfenced, gone", s -> s.fleet.removeReady("", "code", p1));
    same("claim empty", s -> s.fleet.claim("code", NOW + 100_000));
    same("forget starting", s -> s.fleet.forgetStarting("r1:1", "code", "P3"));
    same("pool state after", s -> s.fleet.poolState("code"));
    same("release lease, not holder", s -> s.fleet.releaseLease("r2:1"));
    same("release lease", s -> s.fleet.releaseLease("r1:1"));
    same("acquire next epoch", s -> s.fleet.acquireLease("r2", 60_000));
  }

  @Test
  void activityTabsAndTheReapersFencedStop() {
    same("lease", s -> s.fleet.acquireLease("r1", 60_000));
    same("lock", s -> s.store.tryLock(ALICE, "t", Duration.ofSeconds(30)));
    same("publish", s -> s.store.publishRoute(route(ALICE, "L1", NOW), "t", "warm", 200));
    same("write", s -> s.activity.write(Map.of("alice", NOW + 60_000, "bob", NOW + 1), Map.of("alice", "typing",
        "bob", "http"), Map.of("alice", 2), "replica-a"));
    same("write older (GT keeps the newer)", s -> s.activity.write(Map.of("alice", NOW + 30_000),
        Map.of("alice", "older"), Map.of("alice", 1), "replica-b"));
    same("read", s -> s.activity.read(List.of("alice", "bob", "carol")));
    same("tabs", s -> s.activity.tabs(List.of("alice", "bob")));
    same("start fresh", s -> s.activity.startFresh(List.of("bob", "carol"), NOW + 2));
    same("read after", s -> s.activity.read(List.of("alice", "bob", "carol")));
    same("reap, fenced", s -> s.store.reapRoute(ALICE, "L1", "r9:9", NOW, NOW + 120_000));
    same("reap, active since", s -> s.store.reapRoute(ALICE, "L1", "r1:1", NOW + 59_999, NOW + 120_000));
    same("reap, other launch", s -> s.store.reapRoute(ALICE, "L0", "r1:1", NOW + 60_000, NOW + 120_000));
    same("reap", s -> s.store.reapRoute(ALICE, "L1", "r1:1", NOW + 60_000, NOW + 120_000));
    same("stopped idle", s -> s.store.stoppedIdle(ALICE));
    same("clear", s -> s.store.clearStoppedIdle(ALICE));
    same("stopped idle after", s -> s.store.stoppedIdle(ALICE));
    same("forget tabs", s -> s.activity.forgetTabs("alice"));
    same("forget", s -> s.activity.forget("alice"));
    same("workspaces", s -> s.views.workspaces(10));
    same("ping", s -> s.views.ping());
  }

  @Test
  void commandsWithTheOptionsWsgateUses() {
    String z = "wsgate:z";
    same("zadd", s -> s.cmd(Command.ZADD, z, 3, "c", 1, "a", 2, "b", 2, "bb", 5, "e"));
    same("zadd nx", s -> s.cmd(Command.ZADD, z, "NX", 9, "a", 4, "d"));
    same("zadd gt lower", s -> s.cmd(Command.ZADD, z, "GT", 0, "c", 7, "new"));
    same("zadd gt higher", s -> s.cmd(Command.ZADD, z, "GT", 6, "c"));
    same("zrange", s -> s.cmd(Command.ZRANGE, z, 0, -1, "WITHSCORES"));
    same("zrange tail", s -> s.cmd(Command.ZRANGE, z, -2, -1));
    same("zrange out of range", s -> s.cmd(Command.ZRANGE, z, 10, 20));
    same("zrangebyscore incl", s -> s.cmd(Command.ZRANGEBYSCORE, z, 2, 5, "WITHSCORES"));
    same("zrangebyscore excl", s -> s.cmd(Command.ZRANGEBYSCORE, z, "(2", "(5"));
    same("zrangebyscore inf", s -> s.cmd(Command.ZRANGEBYSCORE, z, "-inf", "+inf"));
    same("zrangebyscore empty", s -> s.cmd(Command.ZRANGEBYSCORE, z, "(4", "(4"));
    same("zrangebyscore reversed", s -> s.cmd(Command.ZRANGEBYSCORE, z, 6, 1));
    same("zscore", s -> s.cmd(Command.ZSCORE, z, "bb"));
    same("zmscore", s -> s.cmd(Command.ZMSCORE, z, "a", "zz", "e"));
    same("zremrangebyscore", s -> s.cmd(Command.ZREMRANGEBYSCORE, z, "-inf", "(2"));
    same("zremrangebyrank", s -> s.cmd(Command.ZREMRANGEBYRANK, z, 0, -4));
    same("zpopmin", s -> s.cmd(Command.ZPOPMIN, z));
    same("zcard", s -> s.cmd(Command.ZCARD, z));
    same("zrem all", s -> s.cmd(Command.ZREM, z, "c", "d", "e", "new", "nope"));
    same("zset gone", s -> s.cmd(Command.EXISTS, z));
    same("zpopmin empty", s -> s.cmd(Command.ZPOPMIN, z));
    String h = "wsgate:h";
    same("hset", s -> s.cmd(Command.HSET, h, "a", "1", "b", "2"));
    same("hset update", s -> s.cmd(Command.HSET, h, "a", "3", "c", "4"));
    same("hgetall", s -> s.cmd(Command.HGETALL, h));
    same("hvals", s -> s.cmd(Command.HVALS, h).map(MemoryRedisConformanceTest::sortedReply));
    same("hmget", s -> s.cmd(Command.HMGET, h, "a", "x", "c"));
    same("hdel", s -> s.cmd(Command.HDEL, h, "a", "b", "c", "x"));
    same("hash gone", s -> s.cmd(Command.HGETALL, h));
    same("sadd", s -> s.cmd(Command.SADD, "wsgate:s", "x", "y", "x"));
    same("srem", s -> s.cmd(Command.SREM, "wsgate:s", "x", "y", "q"));
    same("smembers gone", s -> s.cmd(Command.SMEMBERS, "wsgate:s"));
    same("set nx px", s -> s.cmd(Command.SET, "wsgate:k", "v", "NX", "PX", 60_000));
    same("set nx again", s -> s.cmd(Command.SET, "wsgate:k", "w", "NX", "PX", 60_000));
    same("get", s -> s.cmd(Command.GET, "wsgate:k"));
    same("set plain drops ttl", s -> s.cmd(Command.SET, "wsgate:k2", "v", "PX", 60_000)
        .compose(r -> s.cmd(Command.SET, "wsgate:k2", "w")));
    same("incr", s -> s.cmd(Command.INCR, "wsgate:n"));
    same("incr again", s -> s.cmd(Command.INCR, "wsgate:n"));
    same("pexpire", s -> s.cmd(Command.PEXPIRE, "wsgate:n", 60_000));
    same("pexpire missing", s -> s.cmd(Command.PEXPIRE, "wsgate:none", 60_000));
    same("lpush ltrim lrange", s -> s.cmd(Command.LPUSH, "wsgate:l", "a", "b", "c")
        .compose(r -> s.cmd(Command.LTRIM, "wsgate:l", 0, 1)).compose(r -> s.cmd(Command.LRANGE, "wsgate:l", 0, -1)));
    same("ltrim to nothing", s -> s.cmd(Command.LTRIM, "wsgate:l", 5, 10));
    same("del", s -> s.cmd(Command.DEL, "wsgate:k", "wsgate:k2", "wsgate:none"));
    same("exists", s -> s.cmd(Command.EXISTS, "wsgate:n", "wsgate:k"));
  }

  @Test
  void aScriptWithoutItsTwinFailsLoudly() {
    Throwable err = on(() -> memory.store.evalLong("return 7", new String[0])).transform(ar ->
        Future.succeededFuture(ar.cause())).await();
    assertThat(err).isNotNull();
    assertThat(err.getMessage()).contains("script not implemented in memory");
  }

  private static Route route(WorkspaceId id, String launch, long began) {
    return new Route(id, "code", new Endpoint("10.0.0.9", 8080), "task-" + id.value(), launch, began);
  }

  /** Runs {@code step} against both stores; the answers and the whole key space afterwards must match. */
  private void same(String what, Function<Stores, Future<?>> step) {
    Object expected = outcome(real, step);
    Object actual = outcome(memory, step);
    assertThat(actual).as(what + ": reply").isEqualTo(expected);
    assertThat(dump(memory)).as(what + ": keys afterwards").isEqualTo(dump(real));
  }

  private Object outcome(Stores s, Function<Stores, Future<?>> step) {
    return on(() -> step.apply(s).map(MemoryRedisConformanceTest::plain)
        .otherwise(err -> "failed")).await();
  }

  /** Every key: its type, its value as plain data, and whether it expires. */
  private Map<String, Object> dump(Stores s) {
    Map<String, Object> out = new TreeMap<>();
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      String c = cursor;
      Response page = on(() -> s.cmd(Command.SCAN, c, "MATCH", "wsgate:*", "COUNT", 1000)).await();
      cursor = page.get(0).toString();
      page.get(1).forEach(k -> keys.add(k.toString()));
    } while (!cursor.equals("0"));
    for (String k : keys) {
      String type = on(() -> s.cmd(Command.TYPE, k)).await().toString();
      Future<Response> value = switch (type) {
        case "string" -> s.cmd(Command.GET, k);
        case "hash" -> s.cmd(Command.HGETALL, k);
        case "set" -> s.cmd(Command.SMEMBERS, k).map(MemoryRedisConformanceTest::sortedReply);
        case "zset" -> s.cmd(Command.ZRANGE, k, 0, -1, "WITHSCORES");
        case "list" -> s.cmd(Command.LRANGE, k, 0, -1);
        default -> throw new AssertionError(k + ": " + type);
      };
      Object v = on(() -> value.map(MemoryRedisConformanceTest::plain)).await();
      long ttl = on(() -> s.cmd(Command.PTTL, k)).await().toLong();
      out.put(k, List.of(type, v, ttl > 0 ? "expires" : ttl == -1 ? "kept" : "ttl " + ttl));
    }
    return out;
  }

  /** A reply as plain data that says its shape: n:/b:/s: for numbers, bulk and simple strings, lists, maps. */
  private static Object plain(Object o) {
    if (o instanceof Response r) {
      return switch (r.type()) {
        case MULTI -> {
          if (r.isMap()) {
            Map<String, Object> m = new TreeMap<>();
            r.getKeys().forEach(k -> m.put(k, plain(r.get(k))));
            yield m;
          }
          List<Object> l = new ArrayList<>();
          for (int i = 0; i < r.size(); i++) {
            l.add(plain(r.get(i)));
          }
          yield l;
        }
        case NUMBER -> "n:" + r;
        case BULK -> "b:" + r;
        case SIMPLE -> "s:" + r;
        default -> r.type() + ":" + r;
      };
    }
    if (o instanceof Optional<?> opt) {
      return opt.map(MemoryRedisConformanceTest::plain).orElse(null);
    }
    if (o instanceof List<?> l) {
      return l.stream().map(MemoryRedisConformanceTest::plain).toList();
    }
    return o == null ? null : o.toString();
  }

  private static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  /** A set's members (or a hash's values) in a fixed order: Redis gives them in no particular one. */
  private static Response sortedReply(Response r) {
    List<String> items = new ArrayList<>();
    r.forEach(x -> items.add(x.toString()));
    items.sort(null);
    io.vertx.redis.client.impl.types.MultiType m = io.vertx.redis.client.impl.types.MultiType.create(items.size(), false);
    items.forEach(x -> m.add(io.vertx.redis.client.impl.types.BulkType.create(io.vertx.core.buffer.Buffer.buffer(x),
        false)));
    return m;
  }

  private <T> Future<T> on(Supplier<Future<T>> op) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> op.get().onComplete(p));
    return p.future();
  }
}
