package io.wsgate.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Last activity per workspace, shared by replicas: a sorted set {@code wsgate:activity} (score = time in ms,
 * only ever moved forward with {@code ZADD GT}) and a hash {@code wsgate:activity:why} of reasons.
 */
public final class ActivityStore {

  static final String TIMES = "wsgate:activity";
  static final String WHY = "wsgate:activity:why";

  /** A workspace's last activity. */
  public record Activity(long atMillis, String reason) {
  }

  private final RedisStore redis;

  public ActivityStore(RedisStore redis) {
    this.redis = redis;
  }

  /** One pipelined batch of two commands, whatever the number of workspaces. */
  public Future<Void> write(Map<String, Long> times, Map<String, String> reasons) {
    Request zadd = Request.cmd(Command.ZADD).arg(TIMES).arg("GT");
    times.forEach((id, t) -> zadd.arg(t).arg(id));
    Request hset = Request.cmd(Command.HSET).arg(WHY);
    reasons.forEach((id, r) -> hset.arg(id).arg(r));
    return redis.batch(List.of(zadd, hset)).mapEmpty();
  }

  /** Last activity of each of {@code ids}; absent for a workspace with no record. */
  public Future<Map<String, Optional<Activity>>> read(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Request scores = Request.cmd(Command.ZMSCORE).arg(TIMES);
    Request why = Request.cmd(Command.HMGET).arg(WHY);
    ids.forEach(id -> {
      scores.arg(id);
      why.arg(id);
    });
    return redis.batch(List.of(scores, why)).map(replies -> {
      Map<String, Optional<Activity>> out = new LinkedHashMap<>();
      Response s = replies.get(0);
      Response w = replies.get(1);
      for (int i = 0; i < ids.size(); i++) {
        Response score = s.get(i);
        if (score == null) {
          out.put(ids.get(i), Optional.empty());
        } else {
          Response reason = w.get(i);
          out.put(ids.get(i), Optional.of(new Activity((long) Double.parseDouble(score.toString()),
              reason == null ? "" : reason.toString())));
        }
      }
      return out;
    });
  }

  /** Gives workspaces with no record a fresh start ({@code ZADD NX}), so a lost record never means idle. */
  public Future<Void> startFresh(List<String> ids, long now) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    Request zadd = Request.cmd(Command.ZADD).arg(TIMES).arg("NX");
    ids.forEach(id -> zadd.arg(now).arg(id));
    Request hset = Request.cmd(Command.HSET).arg(WHY);
    ids.forEach(id -> hset.arg(id).arg("no activity record; idle period restarted"));
    return redis.batch(new ArrayList<>(List.of(zadd, hset))).mapEmpty();
  }

  public Future<Void> forget(String id) {
    return redis.batch(List.of(Request.cmd(Command.ZREM).arg(TIMES).arg(id),
        Request.cmd(Command.HDEL).arg(WHY).arg(id))).mapEmpty();
  }
}
