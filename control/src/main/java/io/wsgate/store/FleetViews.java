package io.wsgate.store;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Read-mostly views of the whole fleet for the admin server and the metrics sampler: every workspace hash,
 * found with {@code SCAN} (never {@code KEYS}, which blocks Redis for the whole key space), and the capped
 * list of recent launches. Never on the request path.
 */
public final class FleetViews {

  /** Keys asked for per SCAN step; each step's hashes are then read together. */
  private static final int SCAN_COUNT = 200;

  static final String RECORD_LAUNCH = """
      redis.call('LPUSH', KEYS[1], ARGV[1])
      redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
      return 1""";

  private final RedisStore store;

  public FleetViews(RedisStore store) {
    this.store = store;
  }

  /**
   * Every workspace hash (with its id under {@code id}), at most {@code max} of them.
   * The hashes are read page by page, so at most one SCAN page of reads is in flight at a time.
   */
  public Future<List<Map<String, String>>> workspaces(int max) {
    List<Map<String, String>> out = new ArrayList<>();
    return scanFrom("0", max, out).map(v -> out);
  }

  private Future<Void> scanFrom(String cursor, int max, List<Map<String, String>> out) {
    return store.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(Keys.WORKSPACE_PREFIX + "*")
        .arg("COUNT").arg(SCAN_COUNT)).compose(reply -> {
          String next = reply.get(0).toString();
          List<Future<Map<String, String>>> reads = new ArrayList<>();
          for (Response key : reply.get(1)) {
            String k = key.toString();
            reads.add(store.send(Request.cmd(Command.HGETALL).arg(k)).map(h -> {
              Map<String, String> m = RedisStore.toMap(h);
              m.put("id", k.substring(Keys.WORKSPACE_PREFIX.length()));
              return m;
            }));
          }
          return Future.all(reads).compose(all -> {
            List<Map<String, String>> page = new ArrayList<>();
            for (int i = 0; i < all.size() && out.size() + page.size() < max; i++) {
              Map<String, String> m = all.resultAt(i);
              if (m.containsKey("state")) { // a hash deleted between SCAN and HGETALL reads as empty
                page.add(m);
              }
            }
            return withActivity(page).map(v -> {
              out.addAll(page);
              return null;
            });
          }).compose(v -> "0".equals(next) || out.size() >= max ? Future.succeededFuture() : scanFrom(next, max, out));
        });
  }

  /** Adds each workspace's last activity and its reason (kept in the activity set, not the hash). */
  private Future<Void> withActivity(List<Map<String, String>> page) {
    List<String> ids = new ArrayList<>();
    page.forEach(m -> ids.add(m.get("id")));
    return new ActivityStore(store).read(ids).map(seen -> {
      for (Map<String, String> m : page) {
        seen.getOrDefault(m.get("id"), java.util.Optional.empty()).ifPresent(a -> {
          m.put("lastActivity", Long.toString(a.atMillis()));
          m.put("activityReason", a.reason());
        });
      }
      return null;
    });
  }

  /** Adds a launch (JSON) to the fleet's recent launches, keeping the newest {@code cap}. */
  public Future<Void> recordLaunch(String json, int cap) {
    return store.send(Request.cmd(Command.EVAL).arg(RECORD_LAUNCH).arg(1).arg(Keys.LAUNCHES).arg(json).arg(cap))
        .mapEmpty();
  }

  /** The newest {@code n} launches (JSON), newest first. */
  public Future<List<String>> recentLaunches(int n) {
    return store.send(Request.cmd(Command.LRANGE).arg(Keys.LAUNCHES).arg(0).arg(n - 1)).map(r -> {
      List<String> out = new ArrayList<>();
      if (r != null) {
        for (Response item : r) {
          out.add(item.toString());
        }
      }
      return out;
    });
  }

  /** Whether Redis answers, within the Redis timeout. */
  public Future<Void> ping() {
    return store.send(Request.cmd(Command.PING)).mapEmpty();
  }
}
