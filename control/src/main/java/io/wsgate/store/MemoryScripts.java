package io.wsgate.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java twin of each of wsgate's Lua scripts, for {@link MemoryRedis}, keyed by the script's exact text: a
 * script whose text changes no longer finds its twin and fails loudly until the twin is changed with it (and
 * {@code MemoryRedisConformanceTest} proves the two agree against a real Redis). Each twin reads as its script,
 * line for line; comments name the script. Lua's conversions are followed where they matter: a missing value is
 * {@code false} ({@code null} here), numbers are doubles, and a number that becomes an argument or a string is
 * written as Lua writes it ({@link #lua(double)}).
 */
final class MemoryScripts {

  /** A script's body: KEYS and ARGV in, a Lua value out (Long, String, null for false, List). */
  @FunctionalInterface
  private interface Script {
    Object run(List<String> keys, List<String> argv);
  }

  private final MemoryKeyspace r;
  private final Map<String, Script> byText = new HashMap<>();

  MemoryScripts(MemoryKeyspace keyspace) {
    this.r = keyspace;
    byText.put(RedisStore.PUBLISH_ROUTE, this::publishRoute);
    byText.put(RedisStore.MARK_STARTING, this::markStarting);
    byText.put(RedisStore.SET_PHASE, this::setPhase);
    byText.put(RedisStore.FAIL_LAUNCH, this::failLaunch);
    byText.put(RedisStore.RELEASE_LOCK, this::releaseKey);
    byText.put(RedisStore.DROP_ROUTE, this::dropRoute);
    byText.put(FleetStore.RESERVE, this::reserve);
    byText.put(FleetStore.CLAIM, this::claim);
    byText.put(FleetStore.PROMOTE, this::promote);
    byText.put(FleetStore.FENCED_ZREM, this::fencedZrem);
    byText.put(FleetStore.ACQUIRE, this::acquire);
    byText.put(FleetStore.RENEW, this::renew);
    byText.put(FleetStore.RELEASE_LEASE, this::releaseKey);
    byText.put(FleetStore.POOL_STATE, this::poolState);
    byText.put(FleetViews.RECORD_LAUNCH, this::recordLaunch);
  }

  Object run(String script, List<String> keys, List<String> argv) {
    Script s = byText.get(script);
    if (s == null) {
      String first = script.strip().lines().findFirst().orElse("");
      throw new IllegalStateException("ERR script not implemented in memory (a script changed without its twin in "
          + "MemoryScripts?): " + first);
    }
    return s.run(keys, argv);
  }

  /** ARGV[i], 1-based as in Lua. */
  private static String arg(List<String> argv, int i) {
    return argv.get(i - 1);
  }

  private static double num(String s) {
    return Double.parseDouble(s);
  }

  /** A Lua number as Lua 5.1 writes it ({@code %.14g}): whole numbers as plain digits. */
  static String lua(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e14) {
      return Long.toString((long) d);
    }
    String s = String.format(java.util.Locale.ROOT, "%.14g", d);
    return s.contains("e") || !s.contains(".") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  private boolean leaderIs(String token) {
    return token.equals(r.get(FleetStore.LEADER));
  }

  /** RedisStore.PUBLISH_ROUTE */
  private Object publishRoute(List<String> k, List<String> a) {
    if (!arg(a, 1).equals(r.get(k.get(0)))) {
      return 0L;
    }
    double began = num(arg(a, 6));
    if (arg(a, 10).equals("cold") && "starting".equals(r.hget(k.get(1), "state"))) {
      Double since = tonumber(r.hget(k.get(1), "since"));
      if (since != null && since <= began) {
        r.lpush("wsgate:history:cold:" + arg(a, 7), lua(began - since));
        r.ltrim("wsgate:history:cold:" + arg(a, 7), 0, (long) (num(arg(a, 14)) - 1));
        began = since;
      }
    }
    String history = "wsgate:history:launches:" + arg(a, 7);
    r.zadd(history, "", began, arg(a, 5));
    r.zremove(history, r.zrangeByScore(history, "-inf", "(" + lua(began - num(arg(a, 13)))));
    if (r.zset(history).scores.size() > num(arg(a, 15))) {
      r.zremove(history, r.zrange(history, 0, (long) (-num(arg(a, 15)) - 1)));
    }
    r.del(k.get(1));
    r.hset(k.get(1), List.of("state", "running", "host", arg(a, 2), "port", arg(a, 3), "ref", arg(a, 4),
        "launch", arg(a, 5), "since", arg(a, 6), "profile", arg(a, 7), "phase", "ready", "source", arg(a, 10),
        "launchMs", arg(a, 11)));
    r.del(k.get(0));
    r.del(k.get(2));
    r.zrem("wsgate:starting:" + arg(a, 7), arg(a, 5));
    r.sadd("wsgate:running", arg(a, 12));
    r.sadd("wsgate:running:" + arg(a, 7), arg(a, 12));
    r.zadd("wsgate:activity", "GT", MemoryRedis.parseScore(arg(a, 6)), arg(a, 12));
    r.hset("wsgate:activity:why", List.of(arg(a, 12), "launched (" + arg(a, 10) + ")"));
    return 1L;
  }

  /** Lua's tonumber of a Redis reply: nil for a missing value or one that is not a number. */
  private static Double tonumber(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Double.parseDouble(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** RedisStore.MARK_STARTING */
  private Object markStarting(List<String> k, List<String> a) {
    if (!arg(a, 1).equals(r.get(k.get(0)))) {
      return 0L;
    }
    r.del(k.get(1));
    r.hset(k.get(1), List.of("state", "starting", "profile", arg(a, 2), "phase", arg(a, 3), "since", arg(a, 4),
        "launch", arg(a, 5)));
    return 1L;
  }

  /** RedisStore.SET_PHASE */
  private Object setPhase(List<String> k, List<String> a) {
    if (!arg(a, 1).equals(r.get(k.get(0)))) {
      return 0L;
    }
    r.hset(k.get(1), List.of("phase", arg(a, 2)));
    return 1L;
  }

  /** RedisStore.FAIL_LAUNCH */
  private Object failLaunch(List<String> k, List<String> a) {
    if (arg(a, 1).equals(r.get(k.get(0)))) {
      if ("starting".equals(r.hget(k.get(1), "state"))) {
        r.del(k.get(1));
      }
      r.del(k.get(0));
    }
    r.del(k.get(2));
    r.hset(k.get(2), List.of("reason", arg(a, 2), "attempts", arg(a, 3), "retryAt", arg(a, 4)));
    r.pexpire(k.get(2), Long.parseLong(arg(a, 5)));
    return 1L;
  }

  /** RedisStore.RELEASE_LOCK and FleetStore.RELEASE_LEASE: delete KEYS[1] if it holds ARGV[1]. */
  private Object releaseKey(List<String> k, List<String> a) {
    if (arg(a, 1).equals(r.get(k.get(0)))) {
      return r.del(k.get(0)) ? 1L : 0L;
    }
    return 0L;
  }

  /** RedisStore.DROP_ROUTE */
  private Object dropRoute(List<String> k, List<String> a) {
    if (!arg(a, 4).isEmpty() && !leaderIs(arg(a, 4))) {
      return -1L;
    }
    if (!arg(a, 1).equals(r.hget(k.get(0), "launch"))) {
      return 0L;
    }
    if (!arg(a, 6).isEmpty()) {
      Double seen = r.zscore(ActivityStore.TIMES, arg(a, 5));
      if (seen == null || seen > num(arg(a, 6))) {
        return 0L;
      }
    }
    String p = r.hget(k.get(0), "profile");
    r.del(k.get(0));
    r.srem(FleetStore.RUNNING, arg(a, 5));
    if (p != null) {
      r.srem(FleetStore.RUNNING + ":" + p, arg(a, 5));
    }
    if (!arg(a, 6).isEmpty()) {
      r.set("wsgate:idle-stopped:" + arg(a, 5), arg(a, 7), false, Long.parseLong(arg(a, 8)));
    }
    return 1L;
  }

  /** FleetStore.COUNT: everything that counts against a profile's cap. */
  private long count(String p) {
    return r.set("wsgate:running:" + p).size() + r.zset("wsgate:starting:" + p).scores.size()
        + r.zset(FleetStore.poolReady(p)).scores.size() + r.zset(FleetStore.poolStarting(p)).scores.size();
  }

  /** FleetStore.RESERVE */
  private Object reserve(List<String> k, List<String> a) {
    if (!arg(a, 8).isEmpty() && !leaderIs(arg(a, 8))) {
      return -1L;
    }
    long total = 0;
    for (int i = 9; i <= a.size(); i++) {
      String p = arg(a, i);
      r.zremove("wsgate:starting:" + p, r.zrangeByScore("wsgate:starting:" + p, "-inf", arg(a, 6)));
      r.zremove(FleetStore.poolStarting(p), r.zrangeByScore(FleetStore.poolStarting(p), "-inf", arg(a, 6)));
      total += count(p);
    }
    if (num(arg(a, 3)) > 0 && total >= num(arg(a, 3))) {
      return 0L;
    }
    if (num(arg(a, 4)) > 0 && count(arg(a, 2)) >= num(arg(a, 4))) {
      return 0L;
    }
    String key = arg(a, 7).equals("pool") ? FleetStore.poolStarting(arg(a, 2)) : "wsgate:starting:" + arg(a, 2);
    r.zadd(key, "", MemoryRedis.parseScore(arg(a, 5)), arg(a, 1));
    return 1L;
  }

  /** FleetStore.CLAIM */
  private Object claim(List<String> k, List<String> a) {
    String ready = FleetStore.poolReady(arg(a, 1));
    List<MemoryKeyspace.ZSet.Entry> m = r.zrange(ready, 0, 0);
    if (m.isEmpty()) {
      return null;
    }
    r.zremove(ready, m);
    String member = m.get(0).member();
    int bar = member.indexOf('|');
    String launch = bar < 0 ? member : member.substring(0, bar);
    if (launch.isEmpty()) {
      throw new IllegalStateException("ERR Lua redis() command arguments must be strings or integers");
    }
    r.zadd("wsgate:starting:" + arg(a, 1), "", MemoryRedis.parseScore(arg(a, 2)), launch);
    return member;
  }

  /** FleetStore.PROMOTE */
  private Object promote(List<String> k, List<String> a) {
    if (!leaderIs(arg(a, 1))) {
      return -1L;
    }
    if (!r.zrem(FleetStore.poolStarting(arg(a, 2)), arg(a, 3))) {
      return 0L;
    }
    r.zadd(FleetStore.poolReady(arg(a, 2)), "", MemoryRedis.parseScore(arg(a, 4)), arg(a, 5));
    return 1L;
  }

  /** FleetStore.FENCED_ZREM */
  private Object fencedZrem(List<String> k, List<String> a) {
    if (!arg(a, 1).isEmpty() && !leaderIs(arg(a, 1))) {
      return -1L;
    }
    return r.zrem(arg(a, 2), arg(a, 3)) ? 1L : 0L;
  }

  /** FleetStore.ACQUIRE */
  private Object acquire(List<String> k, List<String> a) {
    if (r.exists(FleetStore.LEADER)) {
      return null;
    }
    String token = arg(a, 1) + ":" + r.incr("wsgate:leader:epoch");
    r.set(FleetStore.LEADER, token, false, Long.parseLong(arg(a, 2)));
    return token;
  }

  /** FleetStore.RENEW */
  private Object renew(List<String> k, List<String> a) {
    if (!leaderIs(arg(a, 1))) {
      return 0L;
    }
    r.pexpire(FleetStore.LEADER, Long.parseLong(arg(a, 2)));
    return 1L;
  }

  /** FleetStore.POOL_STATE */
  private Object poolState(List<String> k, List<String> a) {
    List<Object> out = new ArrayList<>();
    for (String key : k) {
      out.add(new ArrayList<Object>(r.zrange(key, 0, -1).stream().map(MemoryKeyspace.ZSet.Entry::member).toList()));
    }
    return out;
  }

  /** FleetViews.RECORD_LAUNCH */
  private Object recordLaunch(List<String> k, List<String> a) {
    r.lpush(k.get(0), arg(a, 1));
    r.ltrim(k.get(0), 0, (long) (num(arg(a, 2)) - 1));
    return 1L;
  }
}
