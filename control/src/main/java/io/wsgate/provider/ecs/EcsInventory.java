package io.wsgate.provider.ecs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.config.ProfileSetting;
import io.wsgate.config.Setting;
import io.wsgate.provider.ProviderException;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeClustersRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskField;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** The read side of the ECS API: startup checks and the list of wsgate's running tasks. */
final class EcsInventory {

  private final GatewayConfig config;
  private final EcsAsyncClient client;
  private final EcsCalls calls;
  private final Context context;

  EcsInventory(GatewayConfig config, EcsAsyncClient client, EcsCalls calls, Context context) {
    this.config = config;
    this.client = client;
    this.calls = calls;
    this.context = context;
  }

  /**
   * Checks the cluster is there and ACTIVE, and each profile's task definition resolves, has the profile's
   * container and exposes its port. Reports every problem at once.
   */
  Future<Void> verify() {
    String cluster = config.ecs().cluster();
    Future<String> clusterCheck = calls.call(context, "DescribeClusters",
            () -> client.describeClusters(DescribeClustersRequest.builder().clusters(cluster).build()))
        .map(r -> {
          Cluster c = r.clusters().stream().findFirst().orElse(null);
          if (c == null) {
            return "ecs cluster '" + cluster + "' not found (" + Setting.ECS_CLUSTER.env() + ")";
          }
          return "ACTIVE".equals(c.status()) ? null : "ecs cluster '" + cluster + "' is " + c.status();
        });
    List<Future<String>> checks = new ArrayList<>();
    checks.add(clusterCheck);
    config.profiles().values().stream()
        .sorted(Comparator.comparing(Profile::name))
        .forEach(p -> checks.add(checkTaskDefinition(p)));
    return Future.join(checks).transform(ar -> {
      List<String> problems = new ArrayList<>();
      for (Future<String> check : checks) {
        if (check.failed()) {
          problems.add(check.cause().getMessage());
        } else if (check.result() != null) {
          problems.add(check.result());
        }
      }
      return problems.isEmpty() ? Future.<Void>succeededFuture()
          : Future.failedFuture(new ProviderException(String.join("; ", problems)));
    });
  }

  private Future<String> checkTaskDefinition(Profile p) {
    String family = p.ecs().taskDefinition();
    String which = "task definition '" + family + "' of profile '" + p.name() + "'";
    return calls.call(context, "DescribeTaskDefinition",
            () -> client.describeTaskDefinition(DescribeTaskDefinitionRequest.builder().taskDefinition(family).build()))
        .map(r -> containerProblem(which, p, r.taskDefinition()))
        .recover(err -> {
          // ECS answers ClientException "Unable to describe task definition." for a family it does not know
          String code = EcsCalls.errorCode(err.getCause());
          if ("ClientException".equals(code) || "InvalidParameterException".equals(code)) {
            return Future.succeededFuture(which + " not found (" + ProfileSetting.TASK_DEFINITION.env(p.name()) + ")");
          }
          return Future.succeededFuture(which + ": " + err.getMessage());
        });
  }

  private static String containerProblem(String which, Profile p, TaskDefinition td) {
    String name = p.ecs().container();
    ContainerDefinition container = td.containerDefinitions().stream()
        .filter(c -> name.equals(c.name())).findFirst().orElse(null);
    if (container == null) {
      return which + " has no container '" + name + "' (it has " + td.containerDefinitions().stream()
          .map(ContainerDefinition::name).toList() + "; " + ProfileSetting.CONTAINER.env(p.name()) + ")";
    }
    boolean exposes = container.portMappings().stream().map(PortMapping::containerPort)
        .filter(Objects::nonNull).anyMatch(port -> port == p.port());
    if (!exposes) {
      return which + ": container '" + name + "' does not map port " + p.port() + " ("
          + ProfileSetting.PORT.env(p.name()) + ")";
    }
    return null;
  }

  /** Every task this fleet started that ECS wants running, with tags; pages through ListTasks. */
  Future<List<Task>> runningTasks() {
    return listArns(null, new ArrayList<>()).compose(this::describeAll);
  }

  private Future<List<String>> listArns(String nextToken, List<String> acc) {
    ListTasksRequest request = ListTasksRequest.builder()
        .cluster(config.ecs().cluster())
        .startedBy(config.ecs().startedBy())
        .desiredStatus(DesiredStatus.RUNNING)
        .nextToken(nextToken)
        .build();
    return calls.call(context, "ListTasks", () -> client.listTasks(request)).compose(r -> {
      acc.addAll(r.taskArns());
      return r.nextToken() == null || r.nextToken().isEmpty() ? Future.succeededFuture(acc)
          : listArns(r.nextToken(), acc);
    });
  }

  private Future<List<Task>> describeAll(List<String> arns) {
    List<Future<List<Task>>> batches = new ArrayList<>();
    for (int i = 0; i < arns.size(); i += TaskPoller.MAX_BATCH) {
      DescribeTasksRequest request = DescribeTasksRequest.builder()
          .cluster(config.ecs().cluster())
          .tasks(arns.subList(i, Math.min(arns.size(), i + TaskPoller.MAX_BATCH)))
          .include(TaskField.TAGS)
          .build();
      batches.add(calls.call(context, "DescribeTasks", () -> client.describeTasks(request)).map(r -> r.tasks()));
    }
    return Future.all(batches).map(cf -> {
      List<Task> out = new ArrayList<>();
      for (Future<List<Task>> b : batches) {
        out.addAll(b.result());
      }
      return out;
    });
  }
}
