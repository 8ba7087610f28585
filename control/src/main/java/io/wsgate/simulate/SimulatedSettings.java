package io.wsgate.simulate;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings of the gateway under simulation, as the environment a real one would read: auth off, every profile
 * of the scenario with the policy's pool settings, the world's control interval and idle timeout, state in
 * {@code tmp}.
 */
final class SimulatedSettings {

  private SimulatedSettings() {
  }

  static Map<String, String> env(Path tmp, Scenario scenario, Policy policy, Simulation.World world) {
    Map<String, String> env = new HashMap<>();
    env.put("WSGATE_STATE_DIR", tmp.resolve("state").toString());
    env.put("WSGATE_DATA_DIR", tmp.resolve("data").toString());
    env.put("WSGATE_AUTH", "off");
    env.put("WSGATE_PROFILES", String.join(",", scenario.profiles()));
    env.put("WSGATE_DEFAULT_PROFILE", scenario.profiles().iterator().next());
    env.put("WSGATE_LAUNCH_TIMEOUT", "15m");
    env.put("WSGATE_CONTROL_INTERVAL", world.controlInterval().toSeconds() + "s");
    env.put("WSGATE_RECONCILE_INTERVAL", "1h");
    env.put("WSGATE_POOL_TIME_ZONE", scenario.zone().getId());
    for (String p : scenario.profiles()) {
      String prefix = "WSGATE_PROFILE_" + p.toUpperCase(java.util.Locale.ROOT) + "_";
      env.put(prefix + "COMMAND", "simulated");
      env.put(prefix + "READINESS_PATH", "/healthz");
      env.put(prefix + "ASSIGN_PATH", "/wsgate/assign");
      env.put(prefix + "IDLE_TIMEOUT", world.idleTimeout());
      policy.settings().forEach((k, v) -> env.put(prefix + k, v));
    }
    return env;
  }
}
