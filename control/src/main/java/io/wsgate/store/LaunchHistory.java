package io.wsgate.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.wsgate.pool.PoolSizing;

import java.util.ArrayList;
import java.util.List;

/**
 * Each profile's recent launches, for the adaptive pool: when each launch began (the student's request, on the
 * injected clock) in {@code wsgate:history:launches:<profile>}, and how long its recent cold starts took from
 * request to ready in {@code wsgate:history:cold:<profile>}. The launcher's route script writes both as it
 * records a route, so they cost no extra round trip; both are bounded (by age and count, and by count).
 */
public final class LaunchHistory {

  /** Launches older than this are dropped: the forecast's weeks and one spare. */
  public static final long KEEP_MS = (PoolSizing.WEEKS + 1) * PoolSizing.WEEK_MS;
  /** Most launches kept per profile, whatever their age. */
  public static final int LAUNCHES_KEPT = 200_000;
  /** Cold starts kept per profile (the newest). */
  public static final int COLD_STARTS_KEPT = 50;
  /** Longest lead time the forecast reads ahead for (cold starts are clamped to it). */
  public static final long MAX_LEAD_MS = 10 * 60_000L;

  /**
   * What the pool reads in one round trip.
   *
   * @param launches    launch times in the windows the forecast looks at
   * @param historyFrom the oldest launch kept (or {@code Long.MAX_VALUE} with none)
   * @param coldStartsMs recent cold starts, newest first
   */
  public record Snapshot(List<Long> launches, long historyFrom, List<Long> coldStartsMs) {
  }

  private final RedisStore redis;

  public LaunchHistory(RedisStore redis) {
    this.redis = redis;
  }

  static String launches(String profile) {
    return "wsgate:history:launches:" + profile;
  }

  static String coldStarts(String profile) {
    return "wsgate:history:cold:" + profile;
  }

  /** The launches of the last half hour and of the same windows (up to {@link #MAX_LEAD_MS} twice) in past weeks. */
  public Future<Snapshot> read(String profile, long now) {
    List<Request> batch = new ArrayList<>();
    batch.add(Request.cmd(Command.LRANGE).arg(coldStarts(profile)).arg(0).arg(-1));
    batch.add(Request.cmd(Command.ZRANGE).arg(launches(profile)).arg(0).arg(0).arg("WITHSCORES"));
    batch.add(Request.cmd(Command.ZRANGEBYSCORE).arg(launches(profile)).arg(now - PoolSizing.RECENT_MS).arg(now)
        .arg("WITHSCORES"));
    for (int k = 1; k <= PoolSizing.WEEKS; k++) {
      long from = now - k * PoolSizing.WEEK_MS;
      batch.add(Request.cmd(Command.ZRANGEBYSCORE).arg(launches(profile)).arg(from).arg(from + 2 * MAX_LEAD_MS)
          .arg("WITHSCORES"));
    }
    return redis.batch(batch).map(replies -> {
      List<Long> cold = new ArrayList<>();
      for (Response r : replies.get(0)) {
        cold.add(Math.min(MAX_LEAD_MS, r.toLong()));
      }
      long oldest = Long.MAX_VALUE;
      List<Long> first = scores(replies.get(1));
      if (!first.isEmpty()) {
        oldest = first.get(0);
      }
      List<Long> times = new ArrayList<>();
      for (int i = 2; i < replies.size(); i++) {
        times.addAll(scores(replies.get(i)));
      }
      return new Snapshot(times, oldest, cold);
    });
  }

  /** Scores of a {@code WITHSCORES} reply (RESP2: flat member, score pairs; RESP3: pairs). */
  private static List<Long> scores(Response reply) {
    List<Long> out = new ArrayList<>();
    if (reply == null || reply.size() == 0) {
      return out;
    }
    if (reply.get(0).type() == io.vertx.redis.client.ResponseType.MULTI) {
      for (Response pair : reply) {
        out.add((long) (double) pair.get(1).toDouble());
      }
      return out;
    }
    for (int i = 1; i < reply.size(); i += 2) {
      out.add((long) (double) reply.get(i).toDouble());
    }
    return out;
  }
}
