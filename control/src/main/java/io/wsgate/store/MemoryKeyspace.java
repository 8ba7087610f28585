package io.wsgate.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The data of {@link MemoryRedis}: Redis's strings, hashes, sets, sorted sets and lists with the semantics wsgate's
 * commands and scripts rely on. As in Redis, a collection emptied by a removal is deleted with its key, a write
 * that replaces a key ({@code SET}, {@code DEL}) drops its expiry, and expiry runs on the store's own clock (the
 * wall clock by default, as a real server's would), checked whenever a key is touched. Not thread-safe: its owner
 * serialises calls.
 */
final class MemoryKeyspace {

  /**
   * A sorted set: members by score, then by member, as Redis orders them. The order is built the first time it is
   * asked for and kept from then on: the activity set, written every tick and only ever read by member, never
   * pays for it.
   */
  static final class ZSet {
    final Map<String, Double> scores = new HashMap<>();
    private NavigableSet<Entry> order;

    NavigableSet<Entry> order() {
      if (order == null) {
        order = new TreeSet<>();
        scores.forEach((m, sc) -> order.add(new Entry(sc, m)));
      }
      return order;
    }

    void put(String member, Double old, double score) {
      scores.put(member, score);
      if (order != null) {
        if (old != null) {
          order.remove(new Entry(old, member));
        }
        order.add(new Entry(score, member));
      }
    }

    void remove(String member, double old) {
      scores.remove(member);
      if (order != null) {
        order.remove(new Entry(old, member));
      }
    }

    record Entry(double score, String member) implements Comparable<Entry> {
      @Override
      public int compareTo(Entry o) {
        int c = Double.compare(score, o.score);
        return c != 0 ? c : member.compareTo(o.member);
      }
    }

  }

  private final Map<String, Object> data = new HashMap<>();
  private final Map<String, Long> expiresAt = new HashMap<>();
  private final LongSupplier millis;

  MemoryKeyspace(LongSupplier millis) {
    this.millis = millis;
  }

  /** The live value of {@code key}, or null (an expired key is removed first). */
  Object value(String key) {
    Long at = expiresAt.get(key);
    if (at != null && at <= millis.getAsLong()) {
      data.remove(key);
      expiresAt.remove(key);
    }
    return data.get(key);
  }

  /** Every live key, for SCAN and for comparing two stores. */
  List<String> keys() {
    List<String> out = new ArrayList<>();
    for (String k : new ArrayList<>(data.keySet())) {
      if (value(k) != null) {
        out.add(k);
      }
    }
    return out;
  }

  private <T> T typed(String key, Class<T> type) {
    Object v = value(key);
    if (v != null && !type.isInstance(v)) {
      throw new IllegalStateException("WRONGTYPE Operation against a key holding the wrong kind of value: " + key);
    }
    return type.cast(v);
  }

  private <T> T create(String key, Class<T> type, java.util.function.Supplier<T> fresh) {
    T v = typed(key, type);
    if (v == null) {
      v = fresh.get();
      data.put(key, v);
    }
    return v;
  }

  /** Deletes {@code key} if its collection is now empty, as Redis does. */
  private void dropIfEmpty(String key, boolean empty) {
    if (empty) {
      data.remove(key);
      expiresAt.remove(key);
    }
  }

  boolean exists(String key) {
    return value(key) != null;
  }

  boolean del(String key) {
    boolean had = exists(key);
    data.remove(key);
    expiresAt.remove(key);
    return had;
  }

  /** Sets a TTL on an existing key; false if there is none. */
  boolean pexpire(String key, long ms) {
    if (!exists(key)) {
      return false;
    }
    if (ms <= 0) {
      del(key);
    } else {
      expiresAt.put(key, millis.getAsLong() + ms);
    }
    return true;
  }

  /** Remaining TTL in ms, -1 without one, -2 for no key. */
  long pttl(String key) {
    if (!exists(key)) {
      return -2;
    }
    Long at = expiresAt.get(key);
    return at == null ? -1 : at - millis.getAsLong();
  }

  // strings

  String get(String key) {
    return typed(key, String.class);
  }

  /** SET with optional NX and PX (ms, or -1 for none); false if NX kept an existing key. */
  boolean set(String key, String value, boolean nx, long px) {
    if (nx && exists(key)) {
      return false;
    }
    data.put(key, value);
    expiresAt.remove(key);
    if (px > 0) {
      expiresAt.put(key, millis.getAsLong() + px);
    }
    return true;
  }

  long incr(String key) {
    String v = get(key);
    long n;
    try {
      n = v == null ? 1 : Long.parseLong(v) + 1;
    } catch (NumberFormatException e) {
      throw new IllegalStateException("ERR value is not an integer or out of range");
    }
    data.put(key, Long.toString(n)); // keeps the TTL, as INCR does
    return n;
  }

  // hashes

  @SuppressWarnings("unchecked")
  Map<String, String> hash(String key) {
    Map<String, String> h = typed(key, Map.class);
    return h == null ? Map.of() : h;
  }

  String hget(String key, String field) {
    return hash(key).get(field);
  }

  /** HSET field value ...; how many fields are new. */
  @SuppressWarnings("unchecked")
  long hset(String key, List<String> fieldsAndValues) {
    Map<String, String> h = create(key, Map.class, LinkedHashMap::new);
    long added = 0;
    for (int i = 0; i + 1 < fieldsAndValues.size(); i += 2) {
      if (h.put(fieldsAndValues.get(i), fieldsAndValues.get(i + 1)) == null) {
        added++;
      }
    }
    return added;
  }

  long hdel(String key, List<String> fields) {
    Map<String, String> h = hash(key);
    long n = 0;
    for (String f : fields) {
      if (!h.isEmpty() && h.remove(f) != null) {
        n++;
      }
    }
    dropIfEmpty(key, n > 0 && h.isEmpty());
    return n;
  }

  // sets

  @SuppressWarnings("unchecked")
  Set<String> set(String key) {
    Set<String> s = typed(key, Set.class);
    return s == null ? Set.of() : s;
  }

  @SuppressWarnings("unchecked")
  boolean sadd(String key, String member) {
    return create(key, Set.class, LinkedHashSet::new).add(member);
  }

  boolean srem(String key, String member) {
    Set<String> s = set(key);
    boolean removed = !s.isEmpty() && s.remove(member);
    dropIfEmpty(key, removed && s.isEmpty());
    return removed;
  }

  // sorted sets

  ZSet zset(String key) {
    ZSet z = typed(key, ZSet.class);
    return z == null ? new ZSet() : z;
  }

  /**
   * ZADD of one member: {@code mode} is "" (always), "NX" (only new members) or "GT" (new members, or a higher
   * score); true if the member is new.
   */
  boolean zadd(String key, String mode, double score, String member) {
    return zadd(zsetForWrite(key), mode, score, member);
  }

  /** The sorted set at {@code key}, created empty if there is none, for a run of ZADDs. */
  ZSet zsetForWrite(String key) {
    return create(key, ZSet.class, ZSet::new);
  }

  static boolean zadd(ZSet z, String mode, double score, String member) {
    Double old = z.scores.get(member);
    if (old != null) {
      if (mode.equals("NX") || (mode.equals("GT") && !(score > old)) || score == old) {
        return false;
      }
    }
    z.put(member, old, score);
    return old == null;
  }

  boolean zrem(String key, String member) {
    ZSet z = zset(key);
    Double old = z.scores.get(member);
    if (old == null) {
      return false;
    }
    z.remove(member, old);
    dropIfEmpty(key, z.scores.isEmpty());
    return true;
  }

  Double zscore(String key, String member) {
    return zset(key).scores.get(member);
  }

  /** Members with ranks {@code start..stop} (negative from the end), in order. */
  List<ZSet.Entry> zrange(String key, long start, long stop) {
    NavigableSet<ZSet.Entry> order = zset(key).order();
    int n = order.size();
    long from = start < 0 ? Math.max(0, n + start) : start;
    long to = stop < 0 ? n + stop : Math.min(stop, n - 1L);
    List<ZSet.Entry> out = new ArrayList<>();
    if (from > to || from >= n) {
      return out;
    }
    long rank = 0;
    for (ZSet.Entry e : order) {
      if (rank > to) {
        break;
      }
      if (rank++ >= from) {
        out.add(e);
      }
    }
    return out;
  }

  /** Members with scores in a range: {@code min}/{@code max} as Redis takes them ("-inf", "+inf", "(x", "x"). */
  List<ZSet.Entry> zrangeByScore(String key, String min, String max) {
    Bound lo = Bound.parse(min);
    Bound hi = Bound.parse(max);
    NavigableSet<ZSet.Entry> range = zset(key).order();
    // "" sorts before every member, so (score, "") is where a score's members begin
    double from = lo.exclusive() ? Math.nextUp(lo.value()) : lo.value();
    double to = hi.exclusive() ? hi.value() : Math.nextUp(hi.value());
    if (to < from) {
      return new ArrayList<>();
    }
    if (from != Double.NEGATIVE_INFINITY) {
      range = range.tailSet(new ZSet.Entry(from, ""), true);
    }
    if (to != Double.POSITIVE_INFINITY) {
      range = range.headSet(new ZSet.Entry(to, ""), false);
    }
    List<ZSet.Entry> out = new ArrayList<>();
    for (ZSet.Entry e : range) {
      if (lo.below(e.score()) && hi.above(e.score())) {
        out.add(e);
      }
    }
    return out;
  }

  long zremove(String key, List<ZSet.Entry> entries) {
    long n = 0;
    for (ZSet.Entry e : new ArrayList<>(entries)) {
      if (zrem(key, e.member())) {
        n++;
      }
    }
    return n;
  }

  /** A score bound of ZRANGEBYSCORE and ZREMRANGEBYSCORE. */
  private record Bound(double value, boolean exclusive) {
    static Bound parse(String s) {
      boolean ex = s.startsWith("(");
      String v = ex ? s.substring(1) : s;
      double d = switch (v.toLowerCase(java.util.Locale.ROOT)) {
        case "-inf" -> Double.NEGATIVE_INFINITY;
        case "+inf", "inf" -> Double.POSITIVE_INFINITY;
        default -> {
          try {
            yield Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new IllegalStateException("ERR min or max is not a float");
          }
        }
      };
      return new Bound(d, ex);
    }

    boolean below(double score) {
      return exclusive ? value < score : value <= score;
    }

    boolean above(double score) {
      return exclusive ? score < value : score <= value;
    }
  }

  // lists

  @SuppressWarnings("unchecked")
  List<String> list(String key) {
    List<String> l = typed(key, List.class);
    return l == null ? List.of() : l;
  }

  @SuppressWarnings("unchecked")
  long lpush(String key, String value) {
    List<String> l = create(key, List.class, ArrayList::new);
    l.add(0, value);
    return l.size();
  }

  /** Elements {@code start..stop} (negative from the end). */
  List<String> lrange(String key, long start, long stop) {
    List<String> l = list(key);
    int n = l.size();
    long from = start < 0 ? Math.max(0, n + start) : start;
    long to = stop < 0 ? n + stop : Math.min(stop, n - 1L);
    if (from > to || from >= n) {
      return List.of();
    }
    return new ArrayList<>(l.subList((int) from, (int) to + 1));
  }

  void ltrim(String key, long start, long stop) {
    List<String> keep = lrange(key, start, stop);
    if (!exists(key)) {
      return;
    }
    List<String> l = list(key);
    l.clear();
    l.addAll(keep);
    dropIfEmpty(key, l.isEmpty());
  }
}
