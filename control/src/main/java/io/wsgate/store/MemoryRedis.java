package io.wsgate.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.vertx.redis.client.impl.RequestImpl;
import io.vertx.redis.client.impl.types.BulkType;
import io.vertx.redis.client.impl.types.ErrorType;
import io.vertx.redis.client.impl.types.MultiType;
import io.vertx.redis.client.impl.types.NumberType;
import io.vertx.redis.client.impl.types.SimpleStringType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A Redis in the JVM for the simulator: the Vert.x {@link Redis} client interface, answering the commands wsgate
 * sends and running the Java twin of each of its Lua scripts ({@link MemoryScripts}), with replies shaped as the
 * real client gets them from Redis 7 over RESP3. {@link RedisStore}, {@link FleetStore}, {@link ActivityStore} and
 * {@link LaunchHistory} run unchanged on top of it, so everything above the wire is wsgate's own code; what
 * stands in for Redis is proved to decide the same by {@code MemoryRedisConformanceTest} (command by command and
 * script by script against a real server) and {@code MemoryStoreDecidesLikeRedisTest} (whole simulations).
 *
 * <p>Each command runs when it is sent, in the order sent (Redis runs one command at a time), and its reply
 * arrives on the caller's context in a later turn, as a reply off the network would. A command or script it does
 * not know fails loudly ({@code ERR unknown command}), never silently. No pub/sub: {@link #connect()} fails.
 */
public final class MemoryRedis implements Redis {

  private final Vertx vertx;
  private final MemoryKeyspace keys;
  private final MemoryScripts scripts;

  /** A store whose keys expire on the wall clock, as a real server's do. */
  public MemoryRedis(Vertx vertx) {
    this(vertx, () -> System.nanoTime() / 1_000_000);
  }

  /** @param millis the store's own clock for expiry (monotonic milliseconds) */
  public MemoryRedis(Vertx vertx, LongSupplier millis) {
    this.vertx = vertx;
    this.keys = new MemoryKeyspace(millis);
    this.scripts = new MemoryScripts(keys);
  }

  @Override
  public Future<RedisConnection> connect() {
    return Future.failedFuture(new UnsupportedOperationException("an in-memory Redis has no connections (no pub/sub)"));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Response> send(Request request) {
    Response reply;
    try {
      reply = execute(request);
    } catch (RuntimeException e) {
      return later(null, e);
    }
    return later(reply, null);
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    List<Response> replies = new ArrayList<>();
    for (Request r : requests) {
      try {
        replies.add(execute(r));
      } catch (RuntimeException e) {
        return later(null, e);
      }
    }
    return later(replies, null);
  }

  /**
   * The reply as a future of the caller's context, as the real client's are: a future without one would run the
   * store's {@code timeout()} timer on Netty's global executor thread, two thread hand-offs per command.
   */
  private <T> Future<T> later(T reply, RuntimeException error) {
    ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
    Promise<T> promise = context.promise();
    context.runOnContext(v -> {
      if (error == null) {
        promise.complete(reply);
      } else {
        String m = error.getMessage() == null ? error.toString() : error.getMessage();
        promise.fail(ErrorType.create(m.startsWith("ERR") || m.startsWith("WRONGTYPE") ? m : "ERR " + m));
      }
    });
    return promise.future();
  }

  private synchronized Response execute(Request request) {
    List<String> a = new ArrayList<>();
    for (byte[] b : ((RequestImpl) request).getArgs()) {
      a.add(new String(b, StandardCharsets.UTF_8));
    }
    String cmd = request.command().toString().toUpperCase(java.util.Locale.ROOT);
    return switch (cmd) {
      case "PING" -> SimpleStringType.create("PONG");
      case "GET" -> bulk(keys.get(a.get(0)));
      case "SET" -> set(a);
      case "DEL" -> number(a.stream().filter(keys::del).count());
      case "EXISTS" -> number(a.stream().filter(keys::exists).count());
      case "INCR" -> number(keys.incr(a.get(0)));
      case "PEXPIRE" -> number(keys.pexpire(a.get(0), Long.parseLong(a.get(1))) ? 1 : 0);
      case "PTTL" -> number(keys.pttl(a.get(0)));
      case "TYPE" -> SimpleStringType.create(type(keys.value(a.get(0))));
      case "HGET" -> bulk(keys.hget(a.get(0), a.get(1)));
      case "HSET" -> number(keys.hset(a.get(0), a.subList(1, a.size())));
      case "HDEL" -> number(keys.hdel(a.get(0), a.subList(1, a.size())));
      case "HGETALL" -> map(keys.hash(a.get(0)));
      case "HVALS" -> array(new ArrayList<>(keys.hash(a.get(0)).values()));
      case "HMGET" -> {
        Map<String, String> h = keys.hash(a.get(0));
        MultiType m = MultiType.create(a.size() - 1, false);
        a.subList(1, a.size()).forEach(f -> m.add(bulk(h.get(f))));
        yield m;
      }
      case "SADD" -> number(a.subList(1, a.size()).stream().filter(m -> keys.sadd(a.get(0), m)).count());
      case "SREM" -> number(a.subList(1, a.size()).stream().filter(m -> keys.srem(a.get(0), m)).count());
      case "SCARD" -> number(keys.set(a.get(0)).size());
      case "SMEMBERS" -> {
        java.util.Set<String> members = keys.set(a.get(0));
        MultiType m = MultiType.create(members.size(), false);
        members.forEach(x -> m.add(bulk(x)));
        yield m;
      }
      case "ZADD" -> zadd(a);
      case "ZREM" -> number(a.subList(1, a.size()).stream().filter(m -> keys.zrem(a.get(0), m)).count());
      case "ZCARD" -> number(keys.zset(a.get(0)).scores.size());
      case "ZSCORE" -> score(keys.zscore(a.get(0), a.get(1)));
      case "ZMSCORE" -> {
        Map<String, Double> scores = keys.zset(a.get(0)).scores;
        MultiType m = MultiType.create(a.size() - 1, false);
        a.subList(1, a.size()).forEach(member -> m.add(score(scores.get(member))));
        yield m;
      }
      case "ZRANGE" -> entries(keys.zrange(a.get(0), Long.parseLong(a.get(1)), Long.parseLong(a.get(2))),
          withScores(a, 3));
      case "ZRANGEBYSCORE" -> entries(keys.zrangeByScore(a.get(0), a.get(1), a.get(2)), withScores(a, 3));
      case "ZREMRANGEBYSCORE" -> number(keys.zremove(a.get(0), keys.zrangeByScore(a.get(0), a.get(1), a.get(2))));
      case "ZREMRANGEBYRANK" -> number(keys.zremove(a.get(0),
          keys.zrange(a.get(0), Long.parseLong(a.get(1)), Long.parseLong(a.get(2)))));
      case "ZPOPMIN" -> {
        if (a.size() > 1) {
          throw new IllegalStateException("ERR ZPOPMIN with a count is not implemented in memory");
        }
        List<MemoryKeyspace.ZSet.Entry> first = keys.zrange(a.get(0), 0, 0);
        keys.zremove(a.get(0), first);
        MultiType m = MultiType.create(first.isEmpty() ? 0 : 2, false);
        first.forEach(e -> {
          m.add(bulk(e.member()));
          m.add(score(e.score()));
        });
        yield m;
      }
      case "LPUSH" -> {
        long n = 0;
        for (String v : a.subList(1, a.size())) {
          n = keys.lpush(a.get(0), v);
        }
        yield number(n);
      }
      case "LTRIM" -> {
        keys.ltrim(a.get(0), Long.parseLong(a.get(1)), Long.parseLong(a.get(2)));
        yield SimpleStringType.OK;
      }
      case "LRANGE" -> array(keys.lrange(a.get(0), Long.parseLong(a.get(1)), Long.parseLong(a.get(2))));
      case "PUBLISH" -> number(0); // nobody subscribes to an in-memory store
      case "SCAN" -> scan(a);
      case "EVAL" -> {
        int n = Integer.parseInt(a.get(1));
        yield reply(scripts.run(a.get(0), a.subList(2, 2 + n), a.subList(2 + n, a.size())));
      }
      default -> throw new IllegalStateException("ERR unknown command '" + cmd + "' (not implemented in memory)");
    };
  }

  private static String type(Object value) {
    if (value == null) {
      return "none";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof Map) {
      return "hash";
    }
    if (value instanceof java.util.Set) {
      return "set";
    }
    return value instanceof MemoryKeyspace.ZSet ? "zset" : "list";
  }

  private Response set(List<String> a) {
    boolean nx = false;
    long px = -1;
    for (int i = 2; i < a.size(); i++) {
      String opt = a.get(i).toUpperCase(java.util.Locale.ROOT);
      if (opt.equals("NX")) {
        nx = true;
      } else if (opt.equals("PX")) {
        px = Long.parseLong(a.get(++i));
      } else {
        throw new IllegalStateException("ERR SET option " + opt + " is not implemented in memory");
      }
    }
    return keys.set(a.get(0), a.get(1), nx, px) ? SimpleStringType.OK : null;
  }

  private Response zadd(List<String> a) {
    int i = 1;
    String mode = "";
    if (a.get(i).equalsIgnoreCase("NX") || a.get(i).equalsIgnoreCase("GT")) {
      mode = a.get(i++).toUpperCase(java.util.Locale.ROOT);
    }
    if (i + 1 >= a.size() || (a.size() - i) % 2 != 0) {
      throw new IllegalStateException("ERR syntax error");
    }
    long added = 0;
    MemoryKeyspace.ZSet z = keys.zsetForWrite(a.get(0));
    for (; i + 1 < a.size(); i += 2) {
      if (MemoryKeyspace.zadd(z, mode, parseScore(a.get(i)), a.get(i + 1))) {
        added++;
      }
    }
    return number(added);
  }

  static double parseScore(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("ERR value is not a valid float");
    }
  }

  /** SCAN's whole answer in one step (cursor 0), filtered by a {@code prefix*} pattern. */
  private Response scan(List<String> a) {
    String prefix = "";
    for (int i = 1; i + 1 < a.size(); i += 2) {
      if (a.get(i).equalsIgnoreCase("MATCH")) {
        String p = a.get(i + 1);
        if (p.indexOf('*') != p.length() - 1 || p.contains("?") || p.contains("[")) {
          throw new IllegalStateException("ERR SCAN MATCH " + p + " is not implemented in memory (only prefix*)");
        }
        prefix = p.substring(0, p.length() - 1);
      }
    }
    String from = prefix;
    MultiType m = MultiType.create(2, false);
    m.add(bulk("0"));
    m.add(array(keys.keys().stream().filter(k -> k.startsWith(from)).sorted().toList()));
    return m;
  }

  private static boolean withScores(List<String> a, int at) {
    return a.size() > at && a.get(at).equalsIgnoreCase("WITHSCORES");
  }

  private static Response entries(List<MemoryKeyspace.ZSet.Entry> entries, boolean withScores) {
    MultiType m = MultiType.create(entries.size(), false);
    for (MemoryKeyspace.ZSet.Entry e : entries) {
      if (withScores) {
        MultiType pair = MultiType.create(2, false);
        pair.add(bulk(e.member()));
        pair.add(score(e.score()));
        m.add(pair);
      } else {
        m.add(bulk(e.member()));
      }
    }
    return m;
  }

  /** A script's result as Redis converts a Lua value: integer, bulk string, nil (false), or array. */
  private static Response reply(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Long n) {
      return number(n);
    }
    if (value instanceof String s) {
      return bulk(s);
    }
    if (value instanceof List<?> list) {
      MultiType m = MultiType.create(list.size(), false);
      list.forEach(v -> m.add(reply(v)));
      return m;
    }
    throw new IllegalStateException("ERR a script returned " + value.getClass().getSimpleName());
  }

  private static Response number(long n) {
    return NumberType.create(n);
  }

  private static Response score(Double d) {
    return d == null ? null : NumberType.create(d);
  }

  private static Response bulk(String s) {
    return s == null ? null : new Bulk(s);
  }

  /**
   * A bulk string as {@link BulkType} answers it, kept as the string it is here: the client's own type holds a
   * Netty buffer and decodes it again on every {@code toString()}, which was a fifth of a simulated tick.
   */
  private record Bulk(String value) implements Response {
    @Override
    public ResponseType type() {
      return ResponseType.BULK;
    }

    @Override
    public String toString() {
      return value;
    }

    @Override
    public String toString(java.nio.charset.Charset encoding) {
      return new String(toBytes(), encoding);
    }

    @Override
    public Buffer toBuffer() {
      return Buffer.buffer(value);
    }

    @Override
    public byte[] toBytes() {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String format() {
      return BulkType.create(toBuffer(), false).format();
    }
  }

  private static Response array(List<String> items) {
    MultiType m = MultiType.create(items.size(), false);
    items.forEach(s -> m.add(bulk(s)));
    return m;
  }

  private static Response map(Map<String, String> h) {
    MultiType m = MultiType.create(h.size(), true);
    h.forEach((k, v) -> {
      m.add(bulk(k));
      m.add(bulk(v));
    });
    return m;
  }
}
