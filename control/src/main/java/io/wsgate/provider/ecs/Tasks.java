package io.wsgate.provider.ecs;

import io.wsgate.auth.AssignSignature;
import io.wsgate.config.GatewayConfig;
import io.wsgate.provider.LaunchRequest;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How wsgate's launches map to ECS tasks and back: the RunTask request, tags, the ENI address. */
final class Tasks {

  static final String TAG_WORKSPACE = "wsgate:workspace";
  static final String TAG_PROFILE = "wsgate:profile";
  static final String TAG_LAUNCH = "wsgate:launch";
  static final String TAG_POOL = "wsgate:pool";
  static final String ENV_WORKSPACE_ID = "WSGATE_WORKSPACE_ID";
  static final String ENV_DATA_DIR = "WSGATE_DATA_DIR";

  /** ECS caps RunTask's client token at 64 characters. */
  private static final int MAX_CLIENT_TOKEN = 64;

  private Tasks() {
  }

  /**
   * One task of the profile's task definition, private (no public IP), tagged so that {@code list()} and
   * reconcile can tell whose it is, told its workspace id and data directory through the environment.
   */
  static RunTaskRequest runTask(GatewayConfig config, LaunchRequest request) {
    GatewayConfig.Ecs ecs = config.ecs();
    // a warm pool member serves no workspace until the assign hook names one (and its data directory)
    String id = request.pool() ? "" : request.workspace().value();
    String dataDir = request.pool() ? "" : dataDir(config, id);
    RunTaskRequest.Builder b = RunTaskRequest.builder()
        .cluster(ecs.cluster())
        .taskDefinition(request.profile().ecs().taskDefinition())
        .count(1)
        .startedBy(ecs.startedBy())
        .capacityProviderStrategy(CapacityProviderStrategyItem.builder()
            .capacityProvider(request.profile().ecs().capacityProvider()).weight(1).build())
        .networkConfiguration(n -> n.awsvpcConfiguration(v -> v
            .subnets(ecs.subnets())
            .securityGroups(ecs.securityGroups())
            .assignPublicIp(AssignPublicIp.DISABLED)))
        .propagateTags(PropagateTags.TASK_DEFINITION)
        .tags(tag(TAG_WORKSPACE, id), tag(TAG_PROFILE, request.profile().name()),
            tag(TAG_LAUNCH, request.launchId()), tag(TAG_POOL, Boolean.toString(request.pool())))
        .overrides(o -> o.containerOverrides(ContainerOverride.builder()
            .name(request.profile().ecs().container())
            .environment(environment(request, id, dataDir))
            .build()));
    if (request.launchId().length() <= MAX_CLIENT_TOKEN) {
      // makes a RunTask retried after a lost answer start one task, not two
      b.clientToken(request.launchId());
    }
    return b.build();
  }

  /**
   * Workspace id and data directory; for a warm pool member also its assign secret (readable by whoever may
   * DescribeTasks in the account, as every task override is; never by students).
   */
  private static List<KeyValuePair> environment(LaunchRequest request, String id, String dataDir) {
    List<KeyValuePair> env = new ArrayList<>(List.of(env(ENV_WORKSPACE_ID, id), env(ENV_DATA_DIR, dataDir)));
    if (request.assignSecret() != null) {
      env.add(env(AssignSignature.SECRET_ENV, request.assignSecret()));
    }
    return env;
  }

  /** The workspace's directory under the data root (on ECS, the EFS mount point inside the container). */
  static String dataDir(GatewayConfig config, String id) {
    String root = config.dataDir().toString().replace('\\', '/');
    return root.endsWith("/") ? root + id : root + "/" + id;
  }

  /** The private IPv4 address of the task's elastic network interface, once ECS has attached it. */
  static Optional<String> privateIp(Task task) {
    for (Attachment a : task.attachments()) {
      if (!"ElasticNetworkInterface".equals(a.type())) {
        continue;
      }
      for (KeyValuePair d : a.details()) {
        if ("privateIPv4Address".equals(d.name()) && d.value() != null && !d.value().isEmpty()) {
          return Optional.of(d.value());
        }
      }
    }
    return Optional.empty();
  }

  static Map<String, String> tags(Task task) {
    Map<String, String> out = new HashMap<>();
    for (Tag t : task.tags()) {
      out.put(t.key(), t.value());
    }
    return out;
  }

  /**
   * Why a task stopped, in words for the user's error page: ECS's {@code stoppedReason} and, when a
   * container exited, which one, its exit code and reason (often the only hint of a bad image or command).
   */
  static String stopReason(Task task) {
    StringBuilder sb = new StringBuilder(task.stoppedReason() != null && !task.stoppedReason().isEmpty()
        ? task.stoppedReason() : "stopped without a reason");
    List<Container> exited = task.containers().stream()
        .filter(c -> c.exitCode() != null || (c.reason() != null && !c.reason().isEmpty()))
        .toList();
    for (Container c : exited) {
      sb.append("; container '").append(c.name()).append("'");
      if (c.exitCode() != null) {
        sb.append(" exit code ").append(c.exitCode());
      }
      if (c.reason() != null && !c.reason().isEmpty()) {
        sb.append(": ").append(c.reason());
      }
    }
    return sb.toString();
  }

  /** The tags that mark a warm pool member as serving workspace {@code id} from now on. */
  static java.util.List<Tag> assignedTags(String id) {
    return java.util.List.of(tag(TAG_WORKSPACE, id), tag(TAG_POOL, "false"));
  }

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static KeyValuePair env(String name, String value) {
    return KeyValuePair.builder().name(name).value(value).build();
  }
}
