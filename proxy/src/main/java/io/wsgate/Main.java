package io.wsgate;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.wsgate.config.ConfigException;
import io.wsgate.config.ConfigLoader;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.ProfileSetting;
import io.wsgate.config.Setting;
import io.wsgate.metrics.Meters;
import io.wsgate.metrics.Metrics;
import io.wsgate.proxy.Gateway;
import io.wsgate.store.EmbeddedRedis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

/** {@code java -jar wsgate.jar [--flag value ...]}: loads the configuration, starts Redis if needed, runs. */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(usage());
      return;
    }
    if (args.length > 0 && args[0].equals("token")) {
      System.exit(TokenCommand.run(System.getenv(), java.util.Arrays.asList(args).subList(1, args.length),
          System.out, System.err));
      return;
    }
    if (args.length > 0 && args[0].equals("simulate")) {
      if (System.getenv("WSGATE_LOG_LEVEL") == null) {
        // a simulated month launches thousands of workspaces: their INFO lines would bury the tables
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.wsgate")).setLevel(ch.qos.logback.classic.Level.WARN);
      }
      System.exit(io.wsgate.simulate.SimulateCommand.run(java.util.Arrays.asList(args).subList(1, args.length),
          System.out, System.err));
      return;
    }
    GatewayConfig config;
    try {
      config = ConfigLoader.load(System.getenv(), args);
    } catch (ConfigException e) {
      System.err.println("wsgate: " + e.getMessage());
      System.err.println("Run with --help to see every setting.");
      System.exit(2);
      return;
    }
    // From here on, however the process ends (Ctrl-C during the start's warm-up too), what it started is stopped:
    // the embedded Redis runs in a session of its own and would outlive the JVM.
    Started started = new Started();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> started.stop(config), "wsgate-shutdown"));
    String redisUrl;
    if (config.redisUrl().isPresent()) {
      redisUrl = config.redisUrl().get();
    } else {
      started.redis = EmbeddedRedis.start(config.stateDir().resolve("redis"));
      redisUrl = started.redis.url();
      log.info("started embedded redis on {} (data in {})", redisUrl, config.stateDir().resolve("redis"));
    }
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    Vertx vertx = Metrics.vertx(new VertxOptions(), registry, config.transport().transport());
    started.vertx = vertx;
    log.info("network transport: {}", config.transport().description());
    Clock clock = Clock.systemUTC(); // calendar time: sessions, tokens, idle times (see io.wsgate.time)
    Gateway gateway;
    try {
      gateway = Gateway.start(vertx, config, redisUrl, Gateway.Dependencies.defaults()
          .withMeters(new Meters(registry, config.admin().costPerTaskHour())).withClock(clock)).await(config.launchTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      if (started.stopping) {
        log.info("stopped while starting");
      } else {
        log.error("wsgate could not start: {}", e.getMessage(), e);
      }
      System.exit(1); // the shutdown hook stops what was started
      return;
    }
    started.gateway = gateway;
    System.out.println(banner(config, gateway.port(), gateway.adminPort(),
        started.redis == null ? "external" : "embedded, " + redisUrl, LoginBanner.lines(vertx, config, clock)));
  }

  /** What this process has started so far, stopped in reverse order by the shutdown hook. */
  private static final class Started {
    volatile EmbeddedRedis redis;
    volatile Vertx vertx;
    volatile Gateway gateway;
    volatile boolean stopping;

    void stop(GatewayConfig config) {
      stopping = true;
      log.info("shutting down");
      try {
        if (gateway != null) {
          gateway.stop(config.provider() == GatewayConfig.ProviderKind.LOCAL && config.stopWorkspacesOnExit())
              .await(30, TimeUnit.SECONDS);
        }
        if (vertx != null) {
          vertx.close().await(10, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        log.warn("unclean shutdown: {}", e.toString());
      }
      if (redis != null) {
        redis.stop();
      }
    }
  }

  private static String banner(GatewayConfig config, int port, int adminPort, String redis, String open) {
    return "\nwsgate is running on port " + port + "\n"
        + open
        + "  Provider:             " + config.provider().name().toLowerCase() + " (profiles: "
        + String.join(", ", config.profiles().keySet()) + ")\n"
        + "  Redis:                " + redis + "\n"
        + "  Network transport:    " + config.transport().description() + "\n"
        + "  Status and metrics:   http://" + config.admin().host() + ":" + adminPort + "/status\n"
        + "  Stop with Ctrl-C.\n";
  }

  static String usage() {
    StringBuilder b = new StringBuilder("Usage: java -jar wsgate.jar [--flag value ...]\n       "
        + TokenCommand.USAGE.substring("Usage: ".length()) + "\n       "
        + "java -jar wsgate.jar simulate [--scenario seeds-100,seeds-1000|FILE.csv] ... (simulate --help)\n\n"
        + "Every setting is an environment variable or a flag (the flag wins).\n\n");
    for (Setting s : Setting.values()) {
      b.append(String.format("  %-28s %-26s default: %s%n      %s%n", s.env(), s.flag(),
          s.defaultValue().isEmpty() ? "(empty)" : s.defaultValue(), s.description()));
    }
    b.append("\nPer profile <name> (listed in WSGATE_PROFILES):\n");
    for (ProfileSetting s : ProfileSetting.values()) {
      b.append(String.format("  %-38s %-30s default: %s%n      %s%n", s.env("<NAME>"), s.flag("<name>"),
          s.defaultValue().isEmpty() ? "(empty)" : s.defaultValue(), s.description()));
    }
    return b.toString();
  }
}
