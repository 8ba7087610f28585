package io.wsgate.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.wsgate.metrics.Meters;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Workspace state in Redis, shared by all gateway replicas. Every write that changes what a replica may
 * route to is a Lua script that checks the caller still owns the launch lock (or the route's launch id),
 * then publishes a {@link RouteEvent}. Every command is bounded by the configured Redis timeout.
 * Only cold paths call this class: the proxy's hot path reads its in-memory route cache.
 */
public final class RedisStore {

  static final String PUBLISH_ROUTE = """
      if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
      local began = tonumber(ARGV[6])
      if ARGV[10] == 'cold' and redis.call('HGET', KEYS[2], 'state') == 'starting' then
        local since = tonumber(redis.call('HGET', KEYS[2], 'since'))
        if since and since <= began then
          redis.call('LPUSH', 'wsgate:history:cold:' .. ARGV[7], began - since)
          redis.call('LTRIM', 'wsgate:history:cold:' .. ARGV[7], 0, ARGV[14] - 1)
          began = since
        end
      end
      local history = 'wsgate:history:launches:' .. ARGV[7]
      redis.call('ZADD', history, began, ARGV[5])
      redis.call('ZREMRANGEBYSCORE', history, '-inf', '(' .. (began - tonumber(ARGV[13])))
      if redis.call('ZCARD', history) > tonumber(ARGV[15]) then
        redis.call('ZREMRANGEBYRANK', history, 0, -tonumber(ARGV[15]) - 1)
      end
      redis.call('DEL', KEYS[2])
      redis.call('HSET', KEYS[2], 'state', 'running', 'host', ARGV[2], 'port', ARGV[3], 'ref', ARGV[4],
        'launch', ARGV[5], 'since', ARGV[6], 'profile', ARGV[7], 'phase', 'ready', 'source', ARGV[10],
        'launchMs', ARGV[11])
      redis.call('DEL', KEYS[1], KEYS[3])
      redis.call('ZREM', 'wsgate:starting:' .. ARGV[7], ARGV[5])
      redis.call('SADD', 'wsgate:running', ARGV[12])
      redis.call('SADD', 'wsgate:running:' .. ARGV[7], ARGV[12])
      redis.call('ZADD', 'wsgate:activity', 'GT', ARGV[6], ARGV[12])
      redis.call('HSET', 'wsgate:activity:why', ARGV[12], 'launched (' .. ARGV[10] .. ')')
      redis.call('PUBLISH', ARGV[8], ARGV[9])
      return 1""";

  static final String MARK_STARTING = """
      if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
      redis.call('DEL', KEYS[2])
      redis.call('HSET', KEYS[2], 'state', 'starting', 'profile', ARGV[2], 'phase', ARGV[3], 'since', ARGV[4],
        'launch', ARGV[5])
      redis.call('PUBLISH', ARGV[6], ARGV[7])
      return 1""";

  static final String SET_PHASE = """
      if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
      redis.call('HSET', KEYS[2], 'phase', ARGV[2])
      redis.call('PUBLISH', ARGV[3], ARGV[4])
      return 1""";

  static final String FAIL_LAUNCH = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        if redis.call('HGET', KEYS[2], 'state') == 'starting' then redis.call('DEL', KEYS[2]) end
        redis.call('DEL', KEYS[1])
      end
      redis.call('DEL', KEYS[3])
      redis.call('HSET', KEYS[3], 'reason', ARGV[2], 'attempts', ARGV[3], 'retryAt', ARGV[4])
      redis.call('PEXPIRE', KEYS[3], ARGV[5])
      redis.call('PUBLISH', ARGV[6], ARGV[7])
      return 1""";

  static final String RELEASE_LOCK = """
      if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
      return 0""";

  /** Removes a route if it is still that launch's; with a fence, only while that leader holds the lease. */
  static final String DROP_ROUTE = """
      if ARGV[4] ~= '' and redis.call('GET', 'wsgate:leader') ~= ARGV[4] then return -1 end
      if redis.call('HGET', KEYS[1], 'launch') ~= ARGV[1] then return 0 end
      if ARGV[6] ~= '' then
        local seen = redis.call('ZSCORE', 'wsgate:activity', ARGV[5])
        if not seen or tonumber(seen) > tonumber(ARGV[6]) then return 0 end
      end
      local p = redis.call('HGET', KEYS[1], 'profile')
      redis.call('DEL', KEYS[1])
      redis.call('SREM', 'wsgate:running', ARGV[5])
      if p then redis.call('SREM', 'wsgate:running:' .. p, ARGV[5]) end
      if ARGV[6] ~= '' then redis.call('SET', 'wsgate:idle-stopped:' .. ARGV[5], ARGV[7], 'PX', ARGV[8]) end
      redis.call('PUBLISH', ARGV[2], ARGV[3])
      return 1""";

  /** Failure records outlive their backoff so consecutive failures keep doubling it. */
  private static final long FAILURE_MEMORY_MS = Duration.ofMinutes(15).toMillis();
  /** How long an idle stop is remembered: a tab left open longer than this may relaunch its workspace. */
  private static final long IDLE_STOP_MEMORY_MS = Duration.ofDays(7).toMillis();

  private final Redis redis;
  private final long timeoutMs;
  private final Meters meters;
  private volatile boolean closed;
  private static final IllegalStateException CLOSED = new IllegalStateException("the gateway is stopping") {
    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  };

  public RedisStore(Redis redis, Duration timeout) {
    this(redis, timeout, Meters.noop());
  }

  private final RedisReachability reachability = new RedisReachability();

  public RedisStore(Redis redis, Duration timeout, Meters meters) {
    this.redis = redis;
    this.timeoutMs = timeout.toMillis();
    this.meters = meters;
  }

  /** Sends one command, bounded by the Redis timeout, timed by {@code wsgate.redis.command.duration}. */
  public Future<Response> send(Request request) {
    if (closed) {
      return Future.failedFuture(CLOSED);
    }
    String command = request.command().toString();
    return meters.redisCommand(command, observed(RedisReachability.isWrite(command),
        redis.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS)));
  }

  /** Whether Redis answers this replica, from the commands it sent; logs an outage's start and end once each. */
  public RedisReachability reachability() {
    return reachability;
  }

  private <T> Future<T> observed(boolean write, Future<T> reply) {
    return reply.onComplete(ar -> {
      if (ar.succeeded()) {
        reachability.answered(write);
      } else if (!closed) {
        reachability.failed(ar.cause());
      }
    });
  }

  /**
   * Closes the client. Commands sent afterwards fail at once: a stopping gateway's workspaces keep exiting for a
   * moment, and their routes were already dropped, so the follow-up writes have nothing left to do.
   */
  public Future<Void> close() {
    closed = true;
    return redis.close();
  }

  public Future<Optional<WorkspaceRecord>> read(WorkspaceId id) {
    return send(Request.cmd(Command.HGETALL).arg(Keys.workspace(id)))
        .map(r -> WorkspaceRecord.fromHash(id, toMap(r)));
  }

  public Future<Optional<LaunchFailure>> failure(WorkspaceId id) {
    return send(Request.cmd(Command.HGETALL).arg(Keys.failure(id))).map(r -> {
      Map<String, String> h = toMap(r);
      if (!h.containsKey("reason")) {
        return Optional.empty();
      }
      return Optional.of(new LaunchFailure(h.get("reason"), Integer.parseInt(h.getOrDefault("attempts", "1")),
          Long.parseLong(h.getOrDefault("retryAt", "0"))));
    });
  }

  /** Takes the cluster-wide launch lock for {@code id}; false if another launcher holds it. */
  public Future<Boolean> tryLock(WorkspaceId id, String token, Duration ttl) {
    return send(Request.cmd(Command.SET).arg(Keys.launchLock(id)).arg(token).arg("NX").arg("PX")
        .arg(ttl.toMillis())).map(r -> r != null && "OK".equals(r.toString()));
  }

  public Future<Boolean> markStarting(WorkspaceId id, String token, String profile, String phase, long now,
                                      String launchId) {
    return eval(MARK_STARTING, new String[] {Keys.launchLock(id), Keys.workspace(id)},
        token, profile, phase, Long.toString(now), launchId, Keys.EVENTS_CHANNEL,
        new RouteEvent(RouteEvent.Kind.PROGRESS, id, launchId).wire());
  }

  public Future<Boolean> setPhase(WorkspaceId id, String token, String launchId, String phase) {
    return eval(SET_PHASE, new String[] {Keys.launchLock(id), Keys.workspace(id)}, token, phase,
        Keys.EVENTS_CHANNEL, new RouteEvent(RouteEvent.Kind.PROGRESS, id, launchId).wire());
  }

  /**
   * Records the route if {@code token} still holds the launch lock; false means this launch lost it.
   *
   * @param source   {@code warm} (claimed from the pool) or {@code cold} (fresh launch)
   * @param launchMs how long the user waited
   */
  public Future<Boolean> publishRoute(Route route, String token, String source, long launchMs) {
    WorkspaceId id = route.id();
    return eval(PUBLISH_ROUTE, new String[] {Keys.launchLock(id), Keys.workspace(id), Keys.failure(id)},
        token, route.endpoint().host(), Integer.toString(route.endpoint().port()), route.providerRef(),
        route.launchId(), Long.toString(route.startedAtMillis()), route.profile(), Keys.EVENTS_CHANNEL,
        new RouteEvent(RouteEvent.Kind.UP, id, route.launchId()).wire(), source, Long.toString(launchMs), id.value(),
        Long.toString(LaunchHistory.KEEP_MS), Integer.toString(LaunchHistory.COLD_STARTS_KEPT),
        Integer.toString(LaunchHistory.LAUNCHES_KEPT));
  }

  /** Records a failed launch (with its backoff), clears the starting state and releases the lock. */
  public Future<Boolean> failLaunch(WorkspaceId id, String token, String launchId, LaunchFailure failure) {
    return eval(FAIL_LAUNCH, new String[] {Keys.launchLock(id), Keys.workspace(id), Keys.failure(id)},
        token, failure.reason(), Integer.toString(failure.attempts()), Long.toString(failure.retryAtMillis()),
        Long.toString(FAILURE_MEMORY_MS), Keys.EVENTS_CHANNEL,
        new RouteEvent(RouteEvent.Kind.PROGRESS, id, launchId).wire());
  }

  public Future<Boolean> releaseLock(WorkspaceId id, String token) {
    return eval(RELEASE_LOCK, new String[] {Keys.launchLock(id)}, token);
  }

  /** Removes the route only if it is still the one started by {@code launchId}. */
  public Future<Boolean> dropRoute(WorkspaceId id, String launchId) {
    return dropRoute(id, launchId, "").map(r -> r == 1L);
  }

  /**
   * Like {@link #dropRoute(WorkspaceId, String)}, fenced by the leader's token: -1 if {@code fence} no longer
   * holds the lease, 0 if the route is not that launch's, 1 if dropped.
   */
  public Future<Long> dropRoute(WorkspaceId id, String launchId, String fence) {
    return evalLong(DROP_ROUTE, new String[] {Keys.workspace(id)}, launchId, Keys.EVENTS_CHANNEL,
        new RouteEvent(RouteEvent.Kind.DOWN, id, launchId).wire(), fence, id.value(), "", "", "");
  }

  /**
   * The reaper's stop: drops the route only while {@code fence} leads, the route is still {@code launchId}'s,
   * and the workspace's last activity is at or before {@code idleCutoff} (re-checked inside the script, so a
   * workspace that just became active is kept), and records that it was stopped for idleness (see
   * {@link #stoppedIdle}). -1 fenced, 0 kept, 1 dropped.
   */
  public Future<Long> reapRoute(WorkspaceId id, String launchId, String fence, long idleCutoff, long now) {
    return evalLong(DROP_ROUTE, new String[] {Keys.workspace(id)}, launchId, Keys.EVENTS_CHANNEL,
        new RouteEvent(RouteEvent.Kind.DOWN, id, launchId).wire(), fence, id.value(), Long.toString(idleCutoff),
        Long.toString(now), Long.toString(IDLE_STOP_MEMORY_MS));
  }

  /**
   * Whether the reaper stopped {@code id} for idleness and nobody has opened it since: then only a person
   * (a page load) starts it again, not a tab's automatic reconnects or background requests.
   */
  public Future<Boolean> stoppedIdle(WorkspaceId id) {
    return send(Request.cmd(Command.EXISTS).arg(Keys.idleStopped(id))).map(r -> r != null && r.toInteger() == 1);
  }

  /** Forgets an idle stop once the workspace runs again. */
  public Future<Void> clearStoppedIdle(WorkspaceId id) {
    return send(Request.cmd(Command.DEL).arg(Keys.idleStopped(id))).mapEmpty();
  }

  private Future<Boolean> eval(String script, String[] keys, String... args) {
    return evalLong(script, keys, args).map(r -> r == 1L);
  }

  /** Runs a Lua script; completes with its integer reply (0 for nil). */
  public Future<Long> evalLong(String script, String[] keys, String... args) {
    Request req = Request.cmd(Command.EVAL).arg(script).arg(keys.length);
    for (String k : keys) {
      req.arg(k);
    }
    for (String a : args) {
      req.arg(a);
    }
    return send(req).map(r -> r == null || r.toLong() == null ? 0L : r.toLong());
  }

  /** Sends several commands in one pipelined round trip, bounded by the Redis timeout. */
  public Future<java.util.List<Response>> batch(java.util.List<Request> requests) {
    if (closed) {
      return Future.failedFuture(CLOSED);
    }
    boolean write = requests.stream().anyMatch(r -> RedisReachability.isWrite(r.command().toString()));
    return observed(write, redis.batch(requests).timeout(timeoutMs, TimeUnit.MILLISECONDS));
  }

  /** A hash reply as a map, whichever RESP version the server speaks. */
  static Map<String, String> toMap(Response r) {
    Map<String, String> out = new HashMap<>();
    if (r == null) {
      return out;
    }
    if (r.isMap()) {
      for (String k : r.getKeys()) {
        out.put(k, r.get(k).toString());
      }
      return out;
    }
    for (int i = 0; i + 1 < r.size(); i += 2) {
      out.put(r.get(i).toString(), r.get(i + 1).toString());
    }
    return out;
  }
}
