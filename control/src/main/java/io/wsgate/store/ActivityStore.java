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
 * only ever moved forward with {@code ZADD GT}) and a hash {@code wsgate:activity:why} of reasons; and per workspace
 * that relayed a WebSocket, its open sockets per replica ({@code wsgate:tabs:<id>}), for the closed-tab grace.
 */
public final class ActivityStore {

  static final String TIMES = "wsgate:activity";
  static final String WHY = "wsgate:activity:why";
  static final String TABS = "wsgate:tabs:";

  /** A workspace's last activity. */
  public record Activity(long atMillis, String reason) {
  }

  private final RedisStore redis;

  public ActivityStore(RedisStore redis) {
    this.redis = redis;
  }

  /** One pipelined batch of two commands, whatever the number of workspaces. */
  public Future<Void> write(Map<String, Long> times, Map<String, String> reasons) {
    return write(times, reasons, Map.of(), "");
  }

  /**
   * The same batch, with the open WebSockets (browser tabs) of workspaces whose count changed on replica
   * {@code replica}: one {@code HSET wsgate:tabs:<id> <replica> <count>} each, in the same pipeline.
   */
  public Future<Void> write(Map<String, Long> times, Map<String, String> reasons, Map<String, Integer> tabs,
                            String replica) {
    List<Request> batch = new ArrayList<>();
    if (!times.isEmpty()) {
      Request zadd = Request.cmd(Command.ZADD).arg(TIMES).arg("GT");
      times.forEach((id, t) -> zadd.arg(t).arg(id));
      Request hset = Request.cmd(Command.HSET).arg(WHY);
      reasons.forEach((id, r) -> hset.arg(id).arg(r));
      batch.add(zadd);
      batch.add(hset);
    }
    tabs.forEach((id, n) -> batch.add(Request.cmd(Command.HSET).arg(TABS + id).arg(replica).arg(n)));
    return batch.isEmpty() ? Future.succeededFuture() : redis.batch(batch).mapEmpty();
  }

  /**
   * Open tabs of each of {@code ids}, summed over replicas; absent for a workspace that never had a WebSocket
   * (its count is unknown, so a closed-tab grace never applies to it).
   */
  public Future<Map<String, Optional<Integer>>> tabs(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<Request> batch = new ArrayList<>();
    ids.forEach(id -> batch.add(Request.cmd(Command.HVALS).arg(TABS + id)));
    return redis.batch(batch).map(replies -> {
      Map<String, Optional<Integer>> out = new LinkedHashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        Response r = replies.get(i);
        if (r == null || r.size() == 0) {
          out.put(ids.get(i), Optional.empty());
          continue;
        }
        int sum = 0;
        for (Response v : r) {
          sum += Math.max(0, v.toInteger());
        }
        out.put(ids.get(i), Optional.of(sum));
      }
      return out;
    });
  }

  /** Forgets the tab counts of a stopped workspace, so its next run starts unknown. */
  public Future<Void> forgetTabs(String id) {
    return redis.send(Request.cmd(Command.DEL).arg(TABS + id)).mapEmpty();
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
          out.put(ids.get(i), Optional.of(new Activity((long) (double) score.toDouble(),
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
