package io.wsgate.provider.ecs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProviderException;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.workspace.Endpoint;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.StopTaskRequest;
import software.amazon.awssdk.services.ecs.model.Task;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs workspaces as ECS (Fargate) tasks. A launch is one {@code RunTask}; the task is then followed by the
 * shared {@link TaskPoller} until it runs and has a private IP, which with the profile's port is the
 * workspace's endpoint. Probing readiness is the launcher's job. A task that does not reach RUNNING within
 * the launch timeout is stopped, so nothing bills forever. Tasks are marked with {@code startedBy} and
 * {@code wsgate:*} tags, from which {@link #list()} rebuilds what runs after a restart.
 *
 * <p>The provider keeps its state on a context of its own; callers on any context get their futures
 * completed on their own context.
 */
public final class EcsProvider implements WorkspaceProvider {

  private static final Logger log = LoggerFactory.getLogger(EcsProvider.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final EcsAsyncClient client;
  private final Context context;
  private final EcsCalls calls;
  private final TaskPoller poller;
  private final EcsInventory inventory;

  private EcsProvider(Vertx vertx, GatewayConfig config, EcsAsyncClient client, EcsTuning tuning) {
    this.vertx = vertx;
    this.config = config;
    this.client = client;
    this.context = ((VertxInternal) vertx).createEventLoopContext();
    this.calls = new EcsCalls(tuning);
    this.poller = new TaskPoller(context, client, calls, config.ecs().cluster(), tuning);
    this.inventory = new EcsInventory(config, client, calls, context);
  }

  /** The production provider: credentials from the SDK's default chain (the task role on ECS). */
  public static EcsProvider create(Vertx vertx, GatewayConfig config) {
    return create(vertx, config, DefaultCredentialsProvider.builder().build(), EcsTuning.DEFAULTS);
  }

  /** A provider with the given credentials and timing (tests: static credentials, short polls). */
  public static EcsProvider create(Vertx vertx, GatewayConfig config, AwsCredentialsProvider credentials,
                                   EcsTuning tuning) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(tuning, "tuning");
    return new EcsProvider(vertx, config, EcsClients.build(config.ecs(), credentials), tuning);
  }

  @Override
  public String name() {
    return "ecs";
  }

  @Override
  public Future<Void> verify() {
    return onOwnContext(inventory::verify);
  }

  @Override
  public Future<ProvisionedWorkspace> launch(LaunchRequest request) {
    Context caller = vertx.getOrCreateContext();
    return onOwnContext(() -> runTask(request)
        .compose(arn -> awaitRunning(arn, request))
        .map(w -> hop(w, caller)), caller);
  }

  /** Retags a claimed warm task with its workspace, so reconcile and restarts see it as that workspace's. */
  @Override
  public Future<Void> assign(String ref, WorkspaceId id, String profile) {
    return onOwnContext(() -> calls.call(context, "TagResource", () -> client.tagResource(
        software.amazon.awssdk.services.ecs.model.TagResourceRequest.builder().resourceArn(ref)
            .tags(Tasks.assignedTags(id.value())).build())).mapEmpty());
  }

  @Override
  public Future<Void> stop(String ref, StopReason reason) {
    return onOwnContext(() -> stopTask(ref, "wsgate: " + reason.tag()));
  }

  @Override
  public Future<List<ProvisionedWorkspace>> list() {
    Context caller = vertx.getOrCreateContext();
    return onOwnContext(() -> inventory.runningTasks().map(tasks -> tasks.stream()
        .map(this::adopt)
        .filter(Objects::nonNull)
        .map(w -> hop(w, caller))
        .toList()), caller);
  }

  @Override
  public Future<Void> close() {
    return onOwnContext(() -> {
      poller.close();
      client.close();
      return Future.succeededFuture();
    });
  }

  private Future<String> runTask(LaunchRequest request) {
    Profile profile = request.profile();
    return calls.call(context, "RunTask", () -> client.runTask(Tasks.runTask(config, request)))
        .compose(response -> startedArn(profile, response));
  }

  /** RunTask answers 200 even when it started nothing; its {@code failures} say why (capacity, ENIs, ...). */
  private static Future<String> startedArn(Profile profile, RunTaskResponse response) {
    if (!response.failures().isEmpty()) {
      Failure f = response.failures().get(0);
      StringBuilder sb = new StringBuilder("ECS could not start a '").append(profile.name())
          .append("' workspace: ").append(f.reason());
      if (f.detail() != null && !f.detail().isEmpty()) {
        sb.append(" (").append(f.detail()).append(')');
      }
      if (f.arn() != null && !f.arn().isEmpty()) {
        sb.append(" [").append(f.arn()).append(']');
      }
      return Future.failedFuture(new ProviderException(sb.toString()));
    }
    if (response.tasks().isEmpty()) {
      return Future.failedFuture(new ProviderException("ECS started no task for a '" + profile.name()
          + "' workspace and gave no reason"));
    }
    return Future.succeededFuture(response.tasks().get(0).taskArn());
  }

  private Future<ProvisionedWorkspace> awaitRunning(String arn, LaunchRequest request) {
    log.info("workspace {} launch {}: task {} started, waiting for RUNNING", request.workspace(),
        request.launchId(), arn);
    TaskPoller.Watch watch = poller.awaitRunning(arn);
    long timeout = config.launchTimeout().toMillis();
    return watch.running.future()
        .timeout(timeout, TimeUnit.MILLISECONDS)
        .recover(err -> err instanceof TimeoutException ? launchTimedOut(arn) : Future.failedFuture(err))
        .map(task -> new ProvisionedWorkspace(arn, request.workspace().value(), request.profile().name(),
            request.launchId(), new Endpoint(Tasks.privateIp(task).orElseThrow(), request.profile().port()),
            watch.stopped.future()));
  }

  /** Stops a task that took too long: a task stuck in PENDING would otherwise bill until someone notices. */
  private <T> Future<T> launchTimedOut(String arn) {
    String status = poller.lastStatus(arn);
    String lastError = poller.lastError();
    ProviderException error = new ProviderException("the workspace task did not start within "
        + config.launchTimeout().toSeconds() + "s (last status " + status + ")"
        + (lastError.isEmpty() ? "" : "; last ECS error: " + lastError) + "; it has been stopped");
    poller.forget(arn, error);
    return stopTask(arn, "wsgate: " + StopReason.LAUNCH_FAILED.tag() + " (not running after "
        + config.launchTimeout().toSeconds() + "s)")
        .otherwise(err -> {
          log.error("could not stop task {} after its launch timed out: {}", arn, err.getMessage());
          return null;
        })
        .compose(v -> Future.failedFuture(error));
  }

  private Future<Void> stopTask(String arn, String reason) {
    StopTaskRequest request = StopTaskRequest.builder().cluster(config.ecs().cluster()).task(arn).reason(reason)
        .build();
    return calls.call(context, "StopTask", () -> client.stopTask(request))
        .<Void>mapEmpty()
        .recover(err -> {
          // stopping what is already gone is success: reconcile and timeouts may race with ECS
          String message = String.valueOf(err.getMessage());
          if (message.contains("not found") || message.contains("MISSING")) {
            return Future.succeededFuture();
          }
          return Future.failedFuture(err);
        });
  }

  /** A running task of ours as a workspace, or null if it lacks what routing needs (tags, profile, IP). */
  private ProvisionedWorkspace adopt(Task task) {
    Map<String, String> tags = Tasks.tags(task);
    String id = tags.get(Tasks.TAG_WORKSPACE);
    Profile profile = config.profiles().get(tags.getOrDefault(Tasks.TAG_PROFILE, ""));
    String ip = Tasks.privateIp(task).orElse(null);
    if (id == null || profile == null || ip == null || !"RUNNING".equals(task.lastStatus())) {
      log.debug("task {} is not an adoptable workspace (tags {}, status {})", task.taskArn(), tags,
          task.lastStatus());
      return null;
    }
    TaskPoller.Watch watch = poller.adopt(task);
    return new ProvisionedWorkspace(task.taskArn(), id, profile.name(), tags.getOrDefault(Tasks.TAG_LAUNCH, ""),
        new Endpoint(ip, profile.port()), watch.stopped.future());
  }

  /** The same workspace with its {@code terminated} future completing on the caller's context. */
  private static ProvisionedWorkspace hop(ProvisionedWorkspace w, Context caller) {
    return new ProvisionedWorkspace(w.ref(), w.workspaceId(), w.profile(), w.launchId(), w.endpoint(),
        Future.fromCompletionStage(w.terminated().toCompletionStage(), caller));
  }

  private <T> Future<T> onOwnContext(Supplier<Future<T>> work) {
    return onOwnContext(work, vertx.getOrCreateContext());
  }

  /** Runs {@code work} on the provider's context and completes the result on {@code caller}. */
  private <T> Future<T> onOwnContext(Supplier<Future<T>> work, Context caller) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return Future.fromCompletionStage(promise.future().toCompletionStage(), caller);
  }
}
