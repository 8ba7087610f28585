package io.wsgate.store;

import io.vertx.redis.client.impl.types.ErrorType;
import io.wsgate.time.Stopwatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether this replica reaches Redis, and whether Redis accepts its writes, learned from the commands it sends. Each
 * outage is logged once when it begins (WARN) and once when it ends (INFO, with its length and how many commands
 * failed meanwhile), never once per failed command or per second. Two kinds: Redis does not answer (down, paused,
 * slower than the Redis timeout), or it answers but refuses writes ({@code OOM} at {@code maxmemory}, {@code READONLY}
 * after a failover left us on a replica, {@code MISCONF}). Any other error reply is an answer, not an outage.
 */
public final class RedisReachability {

  private static final Logger log = LoggerFactory.getLogger(RedisReachability.class);
  /** Commands that never write. */
  private static final Set<String> READS = Set.of("GET", "MGET", "HGET", "HMGET", "HGETALL", "HVALS", "HKEYS", "HLEN",
      "HEXISTS", "SMEMBERS", "SISMEMBER", "SCARD", "ZRANGE", "ZRANGEBYSCORE", "ZREVRANGE", "ZSCORE", "ZMSCORE",
      "ZCARD", "ZCOUNT", "ZRANK", "LRANGE", "LLEN", "LINDEX", "EXISTS", "TYPE", "TTL", "PTTL", "PING", "INFO",
      "SCAN", "TIME");
  /**
   * Writes that Redis runs even at {@code maxmemory}: those that free memory, and scripts (refused only if they call
   * a write that needs memory, so the leader lease's renewal succeeds at full memory). One of them succeeding does
   * not show that Redis accepts writes again; every other command is a write Redis may refuse, whose success does.
   */
  private static final Set<String> RUN_WHEN_FULL = Set.of("DEL", "UNLINK", "HDEL", "ZREM", "ZREMRANGEBYSCORE",
      "SREM", "EXPIRE", "PEXPIRE", "PERSIST", "PUBLISH", "EVAL", "EVALSHA", "FCALL");
  /** A refusal, alone or as one line of a pipelined batch's error ({@code ERR [1] OOM ...}). */
  private static final Pattern REFUSAL = Pattern.compile("(?m)^(?:ERR \\[\\d+\\] )?((?:OOM|READONLY|MISCONF)\\b.*)$");

  private final AtomicReference<Stopwatch> downSince = new AtomicReference<>();
  private final AtomicLong failedWhileDown = new AtomicLong();
  private final AtomicReference<Stopwatch> refusingSince = new AtomicReference<>();
  private final AtomicLong refusedWrites = new AtomicLong();

  /** Whether the last command sent got no answer (and none has been answered since). */
  public boolean isDown() {
    return downSince.get() != null;
  }

  /** Whether a failure now is explained by an outage already logged (down, or refusing writes). */
  public boolean inOutage() {
    return downSince.get() != null || refusingSince.get() != null;
  }

  /** Whether Redis may refuse this command when it refuses writes (so its success shows writes are accepted). */
  static boolean isWrite(String command) {
    String c = command.toUpperCase(Locale.ROOT);
    return !READS.contains(c) && !RUN_WHEN_FULL.contains(c);
  }

  void answered(boolean write) {
    Stopwatch since = downSince.get();
    if (since != null && downSince.compareAndSet(since, null)) {
      log.info("redis is reachable again after {} s; {} command(s) failed meanwhile (activity marks were kept and "
          + "are written now)", since.elapsedMillis() / 1000, failedWhileDown.getAndSet(0));
    }
    Stopwatch refusing = refusingSince.get();
    if (write && refusing != null && refusingSince.compareAndSet(refusing, null)) {
      log.info("redis accepts writes again after {} s; {} write(s) were refused meanwhile (activity marks were kept "
          + "and are written now)", refusing.elapsedMillis() / 1000, refusedWrites.getAndSet(0));
    }
  }

  void failed(Throwable err) {
    if (err instanceof ErrorType reply) {
      answered(false); // Redis answered, with an error: reachable
      Matcher refusal = REFUSAL.matcher(String.valueOf(reply.getMessage()));
      if (refusal.find()) {
        refusedWrites.incrementAndGet();
        if (refusingSince.compareAndSet(null, Stopwatch.start())) {
          log.warn("redis refuses writes ({}): running workspaces are served from the route cache, activity is kept "
              + "in memory, new launches and sign-ins are refused until it accepts writes again", refusal.group(1));
        }
      }
      return;
    }
    failedWhileDown.incrementAndGet();
    if (downSince.compareAndSet(null, Stopwatch.start())) {
      log.warn("redis is unreachable ({}): running workspaces are served from the route cache, activity is kept in "
          + "memory, new launches and sign-ins are refused until it is back", err.toString());
    }
  }
}
