package io.wsgate.testing;

import io.wsgate.config.ConfigLoader;
import io.wsgate.config.GatewayConfig;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Gateway configurations for tests: port 0, one event loop, state and data under a temp directory. */
public final class TestConfigs {

  /** Starts {@link TestBackend} as a real process through the local provider. */
  public static final String BACKEND_COMMAND =
      "{java} -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp {classpath} io.wsgate.testing.TestBackend "
          + "--port {port} --id {id} --dir {dir}";

  private TestConfigs() {
  }

  /** A config whose default profile {@code test} runs {@link TestBackend} with {@code extraArgs}. */
  public static GatewayConfig backendProcess(Path tmp, String extraArgs, String... more) {
    return ConfigLoader.load(backendProcessEnv(tmp, extraArgs, more));
  }

  /** The environment of {@link #backendProcess}, e.g. for a gateway run as a process of its own. */
  public static Map<String, String> backendProcessEnv(Path tmp, String extraArgs, String... more) {
    Map<String, String> env = base(tmp);
    env.put("WSGATE_PROFILES", "test");
    env.put("WSGATE_DEFAULT_PROFILE", "test");
    env.put("WSGATE_PROFILE_TEST_COMMAND", BACKEND_COMMAND + (extraArgs.isEmpty() ? "" : " " + extraArgs));
    env.put("WSGATE_PROFILE_TEST_READINESS_PATH", "/healthz");
    putPairs(env, more);
    return env;
  }

  /** Settings as alternating name/value pairs of WSGATE_* variables. */
  public static GatewayConfig of(Path tmp, String... pairs) {
    Map<String, String> env = base(tmp);
    putPairs(env, pairs);
    return ConfigLoader.load(env);
  }

  private static Map<String, String> base(Path tmp) {
    Map<String, String> env = new HashMap<>();
    env.put("WSGATE_LISTEN_HOST", "127.0.0.1");
    env.put("WSGATE_PORT", "0");
    env.put("WSGATE_EVENT_LOOPS", "1");
    env.put("WSGATE_WARMUP", "0s");
    env.put("WSGATE_STATE_DIR", tmp.resolve("state").toString());
    env.put("WSGATE_DATA_DIR", tmp.resolve("data").toString());
    env.put("WSGATE_LAUNCH_TIMEOUT", "60s");
    env.put("WSGATE_HOLD_TIMEOUT", "60s");
    env.put("WSGATE_STOP_GRACE", "5s");
    // tests stop gateways often; the ones about draining set their own window
    env.put("WSGATE_DRAIN_WINDOW", "0s");
    // test machines are small and shared: generous bounds keep slow moments from failing tests
    env.put("WSGATE_REDIS_TIMEOUT", "15s");
    env.put("WSGATE_ADMIN_PORT", "0");
    // Vert.x shares servers bound to the same host and port 0: a different host string keeps the admin
    // server apart from the gateway's (both still on loopback)
    env.put("WSGATE_ADMIN_HOST", "localhost");
    // tests of proxying and launching run without auth; the auth tests turn it on (see AuthFixture)
    env.put("WSGATE_AUTH", "off");
    // without auth every test request is the same user (127.0.0.1): launch limits are tested on their own
    env.put("WSGATE_USER_CONCURRENT_LAUNCHES", "1000");
    env.put("WSGATE_USER_LAUNCH_RATE", "100000");
    env.put("WSGATE_GLOBAL_CONCURRENT_LAUNCHES", "10000");
    return env;
  }

  private static void putPairs(Map<String, String> env, String... pairs) {
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
  }
}
