package io.wsgate.simulate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One way to run the fleet, as the gateway's own settings for every profile of the scenario: the pool schedule,
 * and for the adaptive policy its switch and bounds. The simulator loads them through the real configuration
 * loader, so a policy means exactly what the same settings mean in production.
 *
 * @param name     how the report calls it
 * @param settings profile settings by {@code ProfileSetting} name (e.g. {@code POOL_SCHEDULE})
 */
public record Policy(String name, Map<String, String> settings) {

  public Policy {
    settings = Map.copyOf(new LinkedHashMap<>(settings));
  }

  /** A fixed schedule (the default policy). */
  public static Policy schedule(String name, String schedule) {
    return new Policy(name, Map.of("POOL_SCHEDULE", schedule, "POOL_POLICY", "schedule"));
  }

  /** The adaptive policy above a floor schedule, at most {@code max} members. */
  public static Policy adaptive(String name, String floor, int max) {
    return new Policy(name, Map.of("POOL_SCHEDULE", floor, "POOL_POLICY", "adaptive", "POOL_MAX",
        Integer.toString(max)));
  }

  public Policy with(String setting, String value) {
    Map<String, String> s = new LinkedHashMap<>(settings);
    s.put(setting, value);
    return new Policy(name, s);
  }

  public Policy named(String newName) {
    return new Policy(newName, settings);
  }
}
