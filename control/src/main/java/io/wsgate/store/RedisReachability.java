package io.wsgate.store;

import io.vertx.redis.client.impl.types.ErrorType;
import io.wsgate.time.Stopwatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this replica reaches Redis, learned from the commands it sends, so an outage is logged once when it begins
 * (WARN) and once when it ends (INFO, with its length and how many commands failed meanwhile), never once per failed
 * command or per second. A Redis error reply (OOM, a script error) is an answer, not an outage.
 */
public final class RedisReachability {

  private static final Logger log = LoggerFactory.getLogger(RedisReachability.class);

  private final AtomicReference<Stopwatch> downSince = new AtomicReference<>();
  private final AtomicLong failedWhileDown = new AtomicLong();

  /** Whether the last command sent got no answer (and none has been answered since). */
  public boolean isDown() {
    return downSince.get() != null;
  }

  void answered() {
    Stopwatch since = downSince.get();
    if (since != null && downSince.compareAndSet(since, null)) {
      log.info("redis is reachable again after {} s; {} command(s) failed meanwhile (activity marks were kept and "
          + "are written now)", since.elapsedMillis() / 1000, failedWhileDown.getAndSet(0));
    }
  }

  void failed(Throwable err) {
    if (err instanceof ErrorType) {
      answered(); // Redis answered, with an error: reachable
      return;
    }
    failedWhileDown.incrementAndGet();
    if (downSince.compareAndSet(null, Stopwatch.start())) {
      log.warn("redis is unreachable ({}): running workspaces are served from the route cache, activity is kept in "
          + "memory, new launches and sign-ins are refused until it is back", err.toString());
    }
  }
}
