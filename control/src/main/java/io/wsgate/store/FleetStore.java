package io.wsgate.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The fleet as a whole in Redis: which workspaces run ({@code wsgate:running[:<profile>]}), launches under way
 * ({@code wsgate:starting:<profile>}), warm pool members ({@code wsgate:pool:<profile>:ready|starting}), the
 * running caps that count all of them, and the control leader's lease with its fencing token
 * ({@code wsgate:leader}). Scripts that act for the leader check the fence first and answer -1 without it.
 */
public final class FleetStore {

  static final String LEADER = "wsgate:leader";
  static final String RUNNING = "wsgate:running";

  static final String COUNT = """
      local function count(p)
        return redis.call('SCARD', 'wsgate:running:' .. p) + redis.call('ZCARD', 'wsgate:starting:' .. p)
          + redis.call('ZCARD', 'wsgate:pool:' .. p .. ':ready') + redis.call('ZCARD', 'wsgate:pool:' .. p .. ':starting')
      end
      """;

  /** ARGV: launchId, profile, maxTotal, maxProfile, now, staleBefore, kind (launch|pool), fence, profiles... */
  static final String RESERVE = COUNT + """
      if ARGV[8] ~= '' and redis.call('GET', 'wsgate:leader') ~= ARGV[8] then return -1 end
      local total = 0
      for i = 9, #ARGV do
        redis.call('ZREMRANGEBYSCORE', 'wsgate:starting:' .. ARGV[i], '-inf', ARGV[6])
        redis.call('ZREMRANGEBYSCORE', 'wsgate:pool:' .. ARGV[i] .. ':starting', '-inf', ARGV[6])
        total = total + count(ARGV[i])
      end
      if tonumber(ARGV[3]) > 0 and total >= tonumber(ARGV[3]) then return 0 end
      if tonumber(ARGV[4]) > 0 and count(ARGV[2]) >= tonumber(ARGV[4]) then return 0 end
      if ARGV[7] == 'pool' then
        redis.call('ZADD', 'wsgate:pool:' .. ARGV[2] .. ':starting', ARGV[5], ARGV[1])
      else
        redis.call('ZADD', 'wsgate:starting:' .. ARGV[2], ARGV[5], ARGV[1])
      end
      return 1""";

  /** Takes the oldest ready member and counts it as a launch under way; ARGV: profile, now. */
  static final String CLAIM = """
      local m = redis.call('ZPOPMIN', 'wsgate:pool:' .. ARGV[1] .. ':ready')
      if #m == 0 then return false end
      local launch = string.match(m[1], '^([^|]+)')
      redis.call('ZADD', 'wsgate:starting:' .. ARGV[1], ARGV[2], launch)
      redis.call('PUBLISH', 'wsgate:events', 'POOL ' .. ARGV[1] .. ' ' .. launch)
      return m[1]""";

  /** ARGV: fence, profile, launchId, now, member. */
  static final String PROMOTE = """
      if redis.call('GET', 'wsgate:leader') ~= ARGV[1] then return -1 end
      if redis.call('ZREM', 'wsgate:pool:' .. ARGV[2] .. ':starting', ARGV[3]) == 0 then return 0 end
      redis.call('ZADD', 'wsgate:pool:' .. ARGV[2] .. ':ready', ARGV[4], ARGV[5])
      redis.call('PUBLISH', 'wsgate:events', 'POOL ' .. ARGV[2] .. ' ' .. ARGV[3])
      return 1""";

  /** ARGV: fence, key, member-or-launch. */
  static final String FENCED_ZREM = """
      if ARGV[1] ~= '' and redis.call('GET', 'wsgate:leader') ~= ARGV[1] then return -1 end
      return redis.call('ZREM', ARGV[2], ARGV[3])""";

  static final String ACQUIRE = """
      if redis.call('EXISTS', 'wsgate:leader') == 1 then return false end
      local token = ARGV[1] .. ':' .. redis.call('INCR', 'wsgate:leader:epoch')
      redis.call('SET', 'wsgate:leader', token, 'PX', ARGV[2])
      return token""";

  static final String RENEW = """
      if redis.call('GET', 'wsgate:leader') ~= ARGV[1] then return 0 end
      redis.call('PEXPIRE', 'wsgate:leader', ARGV[2])
      return 1""";

  static final String RELEASE_LEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

  private final RedisStore redis;

  public FleetStore(RedisStore redis) {
    this.redis = redis;
  }

  /** Result of reserving a place in the fleet. */
  /** The launch history the adaptive pool reads (written by the launcher's route script). */
  public LaunchHistory history() {
    return new LaunchHistory(redis);
  }

  public enum Reservation { RESERVED, AT_CAPACITY, FENCED }

  /**
   * Counts a new launch (or pool member) against the caps and records it as under way.
   *
   * @param staleBefore launches that started before this are presumed dead and stop counting
   * @param fence       the leader's token for pool launches, "" for user launches
   */
  public Future<Reservation> reserve(String launchId, String profile, int maxTotal, int maxProfile, long now,
                                     long staleBefore, boolean pool, String fence, Collection<String> profiles) {
    List<String> args = new ArrayList<>(List.of(launchId, profile, Integer.toString(maxTotal),
        Integer.toString(maxProfile), Long.toString(now), Long.toString(staleBefore), pool ? "pool" : "launch", fence));
    args.addAll(profiles);
    return redis.evalLong(RESERVE, new String[0], args.toArray(String[]::new)).map(r ->
        r == 1 ? Reservation.RESERVED : r == 0 ? Reservation.AT_CAPACITY : Reservation.FENCED);
  }

  /** A user launch that failed or was abandoned stops counting. */
  public Future<Void> release(String launchId, String profile) {
    return redis.send(Request.cmd(Command.ZREM).arg("wsgate:starting:" + profile).arg(launchId)).mapEmpty();
  }

  /** Atomically takes the oldest ready member of {@code profile}'s pool; no member is ever given twice. */
  public Future<Optional<PoolMember>> claim(String profile, long now) {
    return redis.send(Request.cmd(Command.EVAL).arg(CLAIM).arg(0).arg(profile).arg(now))
        .map(r -> r == null ? Optional.<PoolMember>empty() : Optional.of(PoolMember.parse(r.toString())));
  }

  /** A pool member is ready: it moves from starting to ready (leader only). */
  public Future<Long> promote(String fence, String profile, PoolMember member, long now) {
    return redis.evalLong(PROMOTE, new String[0], fence, profile, member.launchId(), Long.toString(now), member.wire());
  }

  /** Removes a starting pool member that failed or vanished. */
  public Future<Long> forgetStarting(String fence, String profile, String launchId) {
    return redis.evalLong(FENCED_ZREM, new String[0], fence, poolStarting(profile), launchId);
  }

  /** Removes a ready pool member (surplus or vanished); 1 if this call removed it, so only one caller stops it. */
  public Future<Long> removeReady(String fence, String profile, PoolMember member) {
    return redis.evalLong(FENCED_ZREM, new String[0], fence, poolReady(profile), member.wire());
  }

  /** A pool's ready members (oldest first) and the launch ids still starting, read in one atomic step. */
  public record PoolState(List<PoolMember> ready, List<String> starting) {
  }

  static final String POOL_STATE = """
      return {redis.call('ZRANGE', KEYS[1], 0, -1), redis.call('ZRANGE', KEYS[2], 0, -1)}""";

  /**
   * Both lists at once: read one after the other, a member moving from starting to ready in between would be
   * missed and the pool would start one too many.
   */
  public Future<PoolState> poolState(String profile) {
    return redis.send(Request.cmd(Command.EVAL).arg(POOL_STATE).arg(2).arg(poolReady(profile))
        .arg(poolStarting(profile))).map(r -> {
          List<PoolMember> ready = new ArrayList<>();
          for (Response m : r.get(0)) {
            ready.add(PoolMember.parse(m.toString()));
          }
          return new PoolState(ready, strings(r.get(1)));
        });
  }

  /** Ready members, oldest first. */
  public Future<List<PoolMember>> ready(String profile) {
    return redis.send(Request.cmd(Command.ZRANGE).arg(poolReady(profile)).arg(0).arg(-1)).map(r -> {
      List<PoolMember> out = new ArrayList<>();
      for (Response m : r) {
        out.add(PoolMember.parse(m.toString()));
      }
      return out;
    });
  }

  /** Launch ids of members still starting. */
  public Future<List<String>> starting(String profile) {
    return redis.send(Request.cmd(Command.ZRANGE).arg(poolStarting(profile)).arg(0).arg(-1)).map(FleetStore::strings);
  }

  /** Launch ids of user launches under way for {@code profile}, dropping those older than {@code staleBefore}. */
  public Future<List<String>> launchesUnderWay(String profile, long staleBefore) {
    String key = "wsgate:starting:" + profile;
    return redis.batch(List.of(Request.cmd(Command.ZREMRANGEBYSCORE).arg(key).arg("-inf").arg(staleBefore),
        Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1))).map(r -> strings(r.get(1)));
  }

  /** Ids of workspaces with a route. */
  public Future<List<String>> running() {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(RUNNING)).map(FleetStore::strings);
  }

  /** Takes the lease if free; the fencing token, or empty if another replica leads. */
  public Future<Optional<String>> acquireLease(String replica, long leaseMs) {
    return redis.send(Request.cmd(Command.EVAL).arg(ACQUIRE).arg(0).arg(replica).arg(leaseMs))
        .map(r -> r == null ? Optional.<String>empty() : Optional.of(r.toString()));
  }

  /** Extends the lease if {@code token} still holds it. */
  public Future<Boolean> renewLease(String token, long leaseMs) {
    return redis.evalLong(RENEW, new String[0], token, Long.toString(leaseMs)).map(r -> r == 1L);
  }

  public Future<Void> releaseLease(String token) {
    return redis.evalLong(RELEASE_LEASE, new String[] {LEADER}, token).mapEmpty();
  }

  static String poolReady(String profile) {
    return "wsgate:pool:" + profile + ":ready";
  }

  static String poolStarting(String profile) {
    return "wsgate:pool:" + profile + ":starting";
  }

  private static List<String> strings(Response r) {
    List<String> out = new ArrayList<>();
    if (r != null) {
      for (Response m : r) {
        out.add(m.toString());
      }
    }
    return out;
  }
}
