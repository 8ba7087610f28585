package io.wsgate.metrics;

import io.micrometer.core.instrument.Tags;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The meters of one name, one per combination of tag values, created on first use and cached. A safety
 * net keeps the series count bounded even if a caller passes something unbounded by mistake: a value that
 * does not look like a tag (lower-case word, at most 40 characters) becomes {@code other}, and past
 * {@link #MAX_SERIES} combinations every new one shares a single all-{@code other} meter.
 */
final class BoundedFamily<M> {

  static final int MAX_SERIES = 256;
  static final String OTHER = "other";
  private static final Pattern TAG_VALUE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,39}");

  private final List<String> keys;
  private final Function<Tags, M> create;
  private final Map<List<String>, M> meters = new ConcurrentHashMap<>();

  BoundedFamily(List<String> keys, Function<Tags, M> create) {
    this.keys = List.copyOf(keys);
    this.create = create;
  }

  /** The meter for these tag values, in the order of the family's keys. */
  M get(String... values) {
    if (values.length != keys.size()) {
      throw new IllegalArgumentException("tags " + Arrays.toString(values) + " (expected values for " + keys + ")");
    }
    List<String> key = Arrays.asList(values);
    M m = meters.get(key);
    if (m != null) {
      return m;
    }
    String[] safe = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      safe[i] = values[i] != null && TAG_VALUE.matcher(values[i]).matches() ? values[i] : OTHER;
    }
    List<String> safeKey = List.of(safe);
    if (meters.size() >= MAX_SERIES && !meters.containsKey(safeKey)) {
      Arrays.fill(safe, OTHER);
      safeKey = List.of(safe);
    }
    return meters.computeIfAbsent(safeKey, k -> create.apply(tags(k)));
  }

  private Tags tags(List<String> values) {
    Tags t = Tags.empty();
    for (int i = 0; i < keys.size(); i++) {
      t = t.and(keys.get(i), values.get(i));
    }
    return t;
  }
}
