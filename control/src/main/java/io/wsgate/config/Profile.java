package io.wsgate.config;

import io.wsgate.pool.PoolSchedule;

import java.time.Duration;
import java.util.Objects;

/**
 * A kind of workspace (code-server, Superset, the built-in demo): how to start it, how to tell that it
 * is ready, and how the fleet treats it.
 *
 * @param name          lower-case profile name
 * @param command       local provider command template (see {@link ProfileSetting#COMMAND})
 * @param port          container port (ecs); 0 lets the local provider choose
 * @param readinessPath path that answers below 500 once the workspace serves
 * @param fleet         idle timeout, activity policy, warm pool and cap
 * @param ecs           where and how the ecs provider runs it (unused by the local provider)
 */
public record Profile(String name, String command, int port, String readinessPath, Fleet fleet, EcsProfile ecs) {

  /**
   * The built-in demo workspace: the workspace agent from the gateway's own jar, which serves the demo like any other
   * IDE (warm, assign, cold, stop). Isolation is off: the demo runs only wsgate's own code, no student's, and a
   * workspace's own user could not read a jar or data root below root's home.
   */
  public static final String DEMO_COMMAND = "{java} -Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "
      + "-cp {classpath} io.wsgate.agent.Agent --ide demo --isolation off --port {port}";

  /**
   * @param idleTimeout      stop after this long without activity
   * @param activity         what traffic counts as activity
   * @param poolSchedule     warm pool target over the week
   * @param assignPath       HTTP path that hands a warm member its workspace; empty: no warm pool
   * @param maxRunning       cap for this profile; 0 = none
   * @param poolPolicy       how the pool's target is set
   * @param closedGrace      stop after this long without activity once every tab has closed; zero: off
   */
  public record Fleet(Duration idleTimeout, ActivityPolicy activity, PoolSchedule poolSchedule, String assignPath,
                      int maxRunning, PoolPolicy poolPolicy, Duration closedGrace) {
    public static final Fleet DEFAULT = new Fleet(Duration.ofMinutes(30), ActivityPolicy.DEFAULT, PoolSchedule.NONE,
        "", 0, PoolPolicy.SCHEDULE, Duration.ZERO);

    public Fleet(Duration idleTimeout, ActivityPolicy activity, PoolSchedule poolSchedule, String assignPath,
                 int maxRunning) {
      this(idleTimeout, activity, poolSchedule, assignPath, maxRunning, PoolPolicy.SCHEDULE, Duration.ZERO);
    }

    public boolean hasClosedGrace() {
      return !closedGrace.isZero();
    }

    /** The shortest inactivity after which this profile may stop a workspace. */
    public Duration shortestIdle() {
      return hasClosedGrace() && closedGrace.compareTo(idleTimeout) < 0 ? closedGrace : idleTimeout;
    }

    public boolean hasPool() {
      return !poolSchedule.isEmpty() && !assignPath.isEmpty();
    }
  }

  /**
   * How a profile's warm pool target is set: by its schedule alone, or adaptively above it.
   *
   * @param adaptive forecast launches and size the pool by the base-stock rule (see {@code io.wsgate.pool.PoolSizing})
   * @param max      most members the adaptive policy keeps (the schedule still wins if higher)
   * @param risk     accepted chance that a launch finds the pool empty
   */
  public record PoolPolicy(boolean adaptive, int max, double risk) {
    public static final PoolPolicy SCHEDULE = new PoolPolicy(false, 50, 0.02);
  }

  /**
   * @param bothDirections   traffic from the workspace counts too (default: only from the client)
   * @param minMessageBytes  WebSocket messages of at most this size never count
   * @param detectKeepalives ignore same-size messages at a steady interval
   */
  public record ActivityPolicy(boolean bothDirections, int minMessageBytes, boolean detectKeepalives) {
    public static final ActivityPolicy DEFAULT = new ActivityPolicy(false, 0, true);
  }

  /**
   * @param taskDefinition   family, family:revision or ARN
   * @param container        container name that receives the workspace's overrides
   * @param capacityProvider FARGATE or FARGATE_SPOT
   */
  public record EcsProfile(String taskDefinition, String container, String capacityProvider) {
  }

  public Profile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(readinessPath, "readinessPath");
    Objects.requireNonNull(fleet, "fleet");
    Objects.requireNonNull(ecs, "ecs");
  }
}
