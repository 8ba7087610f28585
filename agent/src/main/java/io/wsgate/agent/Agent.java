package io.wsgate.agent;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of the workspace agent: the container's entry point on ECS and the local provider's command. See
 * {@link AgentVerticle} for what it does, {@link AgentSetting} for its settings.
 *
 * <p>Exit codes: 2 for bad settings (or isolation required but impossible), 1 if the IDE cannot be started, else the
 * IDE's own. SIGTERM stops the IDE (SIGTERM, grace, SIGKILL), waits for it, then exits, so the workspace's files are
 * complete when the container ends.
 */
public final class Agent {

  private static final long CLOSE_TIMEOUT_SECONDS = 5;

  private Agent() {
  }

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "io/wsgate/demo/logback-demo.xml");
    }
    AgentSettings settings;
    try {
      settings = AgentSettings.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("agent: bad settings:\n  " + e.getMessage().replace("\n", "\n  "));
      System.exit(2);
      return;
    }
    UserSwitch users = switchFor(settings);
    if (users == null) {
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2));
    AgentVerticle agent = new AgentVerticle(settings, users, System::exit);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        agent.stopIde();
        vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("agent: stop did not finish cleanly: " + e);
      }
    }, "agent-shutdown"));
    vertx.deployVerticle(agent).onFailure(err -> {
      System.err.println("agent: cannot start: " + err.getMessage());
      new Thread(() -> System.exit(1), "agent-exit").start();
    });
  }

  /** The user switch for these settings, saying once what isolation holds; null if it must refuse to start. */
  static UserSwitch switchFor(AgentSettings settings) {
    if (settings.isolation() == Isolation.OFF) {
      System.out.println("agent: isolation off: the IDE runs as the agent's own user");
      return UserSwitch.none("isolation off");
    }
    UserSwitch users = UserSwitch.detect();
    if (users.available()) {
      System.out.println("agent: each workspace's IDE runs as a user of its own (" + users.setpriv().get() + ")");
    } else if (settings.isolation() == Isolation.REQUIRED) {
      System.err.println("agent: " + AgentSettings.describe(AgentSetting.ISOLATION) + " is required, but the agent "
          + "cannot switch users: " + users.reason());
      return null;
    } else {
      System.out.println("agent: cannot switch users (" + users.reason() + "): the IDE runs as the agent's own user, "
          + "and workspaces on this machine are not isolated from each other");
    }
    return users;
  }
}
