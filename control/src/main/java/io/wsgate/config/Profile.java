package io.wsgate.config;

import java.util.Objects;

/**
 * A kind of workspace (code-server, Superset, the built-in demo): how to start it and how to tell that it
 * is ready.
 *
 * @param name          lower-case profile name
 * @param command       local provider command template (see {@link ProfileSetting#COMMAND})
 * @param port          container port (ecs); 0 lets the local provider choose
 * @param readinessPath path that answers below 500 once the workspace serves
 * @param ecs           where and how the ecs provider runs it (unused by the local provider)
 */
public record Profile(String name, String command, int port, String readinessPath, EcsProfile ecs) {

  /**
   * @param taskDefinition   family, family:revision or ARN
   * @param container        container name that receives the workspace's overrides
   * @param capacityProvider FARGATE or FARGATE_SPOT
   */
  public record EcsProfile(String taskDefinition, String container, String capacityProvider) {
  }

  /** The built-in demo workspace, run from the gateway's own jar as a separate process. */
  public static final String DEMO_COMMAND = "{java} -Xmx48m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "
      + "-cp {classpath} io.wsgate.demo.DemoWorkspace --port {port} --id {id} --dir {dir}";

  public Profile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(readinessPath, "readinessPath");
    Objects.requireNonNull(ecs, "ecs");
  }
}
