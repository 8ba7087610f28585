package io.wsgate.proxy.auth;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.wsgate.store.RedisStore;
import io.wsgate.workspace.WorkspaceId;

/**
 * What authentication and launch guards share between replicas, in Redis: used token ids, workspace owners,
 * workspaces starting (per user and overall) and per-user launch counts. Every command goes through
 * {@link RedisStore#send}, so it is bounded by the Redis timeout.
 */
public final class AuthStore {

  /** Outcome of {@link #admitLaunch}. */
  public enum Admission { ADMITTED, USER_BUSY, USER_RATE, GLOBAL_BUSY }

  /** Result of {@link #admitLaunch}: the outcome and, for USER_RATE, milliseconds until the window resets. */
  public record AdmissionResult(Admission admission, long retryAfterMs) {
  }

  private static final String BIND_OWNER = """
      local owner = redis.call('GET', KEYS[1])
      if not owner then redis.call('SET', KEYS[1], ARGV[1]); return ARGV[1] end
      return owner""";

  // Entries carry their own expiry (the score), so a replica that died mid-launch never holds a slot for long.
  private static final String ADMIT = """
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
      redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
      if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {0, 0} end
      if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return {1, 0} end
      if redis.call('ZSCORE', KEYS[2], ARGV[1]) == false and redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then
        return {3, 0}
      end
      local n = tonumber(redis.call('GET', KEYS[3]) or '0')
      if n >= tonumber(ARGV[6]) then return {2, redis.call('PTTL', KEYS[3])} end
      if redis.call('INCR', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[7]) end
      redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
      redis.call('PEXPIRE', KEYS[1], ARGV[8])
      redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
      return {0, 0}""";

  private static final long RATE_WINDOW_MS = 60_000;

  private final RedisStore store;

  public AuthStore(RedisStore store) {
    this.store = store;
  }

  /** Records {@code jti} as used; false if it was used before (on any replica). */
  public Future<Boolean> claimTokenId(String jti, long ttlMs) {
    return store.send(Request.cmd(Command.SET).arg("wsgate:jti:" + jti).arg("1").arg("NX").arg("PX")
        .arg(Math.max(1000, ttlMs))).map(r -> r != null && "OK".equals(r.toString()));
  }

  /** Binds {@code id} to {@code user} if it has no owner yet; returns the owner either way. */
  public Future<String> bindOwner(WorkspaceId id, String user) {
    return store.send(Request.cmd(Command.EVAL).arg(BIND_OWNER).arg(1).arg(ownerKey(id)).arg(user))
        .map(r -> r == null ? null : r.toString());
  }

  /**
   * Admits a launch of {@code id} by {@code user} if the user has fewer than {@code userMax} launches starting,
   * all replicas fewer than {@code globalMax}, and the user launched fewer than {@code ratePerMinute} in the
   * current minute. A workspace already admitted is admitted again without counting twice.
   */
  public Future<AdmissionResult> admitLaunch(String user, WorkspaceId id, long nowMs, long holdMs, int userMax,
                                             int globalMax, int ratePerMinute) {
    Request req = Request.cmd(Command.EVAL).arg(ADMIT).arg(3).arg(userLaunchingKey(user)).arg(GLOBAL_LAUNCHING)
        .arg("wsgate:rate:launch:" + user).arg(id.value()).arg(nowMs).arg(nowMs + holdMs).arg(userMax)
        .arg(globalMax).arg(ratePerMinute).arg(RATE_WINDOW_MS).arg(holdMs);
    return store.send(req).map(r -> {
      int code = r.get(0).toInteger();
      long retry = r.get(1).toLong();
      Admission a = switch (code) {
        case 0 -> Admission.ADMITTED;
        case 1 -> Admission.USER_BUSY;
        case 2 -> Admission.USER_RATE;
        default -> Admission.GLOBAL_BUSY;
      };
      return new AdmissionResult(a, retry);
    });
  }

  /** Frees the slots {@link #admitLaunch} took for {@code id}. */
  public Future<Void> launchDone(String user, WorkspaceId id) {
    return store.send(Request.cmd(Command.ZREM).arg(userLaunchingKey(user)).arg(id.value()))
        .compose(r -> store.send(Request.cmd(Command.ZREM).arg(GLOBAL_LAUNCHING).arg(id.value())))
        .mapEmpty();
  }

  private static final String GLOBAL_LAUNCHING = "wsgate:launching:all";

  private static String userLaunchingKey(String user) {
    return "wsgate:launching:user:" + user;
  }

  static String ownerKey(WorkspaceId id) {
    return "wsgate:owner:" + id.value();
  }
}
