package io.wsgate.provider.ecs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.wsgate.provider.ProviderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.EcsAsyncClient;
import software.amazon.awssdk.services.ecs.model.DescribeTasksRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.Task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one loop that asks ECS how wsgate's tasks are doing. However many launches are pending, each poll is
 * one {@code DescribeTasks} call per 100 tasks (the API's limit) covering all of them, so a burst of launches
 * does not multiply the request rate. While launches are pending it polls from {@link EcsTuning#pollInitial()}
 * doubling to {@link EcsTuning#pollMax()}; tasks that already run are described every
 * {@link EcsTuning#watchInterval()} so their {@code terminated} future completes when they stop.
 *
 * <p>All state is confined to {@code context}; every method must be called on it.
 */
final class TaskPoller {

  static final int MAX_BATCH = 100;

  private static final Logger log = LoggerFactory.getLogger(TaskPoller.class);

  /** One task wsgate follows. */
  static final class Watch {
    final Promise<Task> running = Promise.promise();
    final Promise<String> stopped = Promise.promise();
    boolean pending;
    String lastStatus = "PROVISIONING";

    Watch(boolean pending) {
      this.pending = pending;
    }
  }

  private final Context context;
  private final EcsAsyncClient client;
  private final EcsCalls calls;
  private final String cluster;
  private final EcsTuning tuning;
  private final Map<String, Watch> watches = new LinkedHashMap<>();
  private long timerId = -1;
  private long timerDue;
  private boolean polling;
  private boolean closed;
  private long delayMillis;
  private long lastWatchPoll = System.nanoTime();
  private String lastError = "";

  TaskPoller(Context context, EcsAsyncClient client, EcsCalls calls, String cluster, EcsTuning tuning) {
    this.context = context;
    this.client = client;
    this.calls = calls;
    this.cluster = cluster;
    this.tuning = tuning;
    this.delayMillis = tuning.pollInitial().toMillis();
  }

  /** Follows a task just started; its {@code running} future completes once it runs and has an address. */
  Watch awaitRunning(String arn) {
    Watch w = watches.computeIfAbsent(arn, a -> new Watch(true));
    // a new launch restarts the fast cadence, even if the loop had backed off or only watched running tasks
    delayMillis = tuning.pollInitial().toMillis();
    schedule(delayMillis);
    return w;
  }

  /** Follows a task found running (reconcile, restart), only to notice when it stops. */
  Watch adopt(Task task) {
    Watch w = watches.computeIfAbsent(task.taskArn(), a -> new Watch(false));
    if (w.pending) {
      return w;
    }
    w.running.tryComplete(task);
    schedule(tuning.watchInterval().toMillis());
    return w;
  }

  /** Stops following a task, failing its launch with {@code error} if it was still pending. */
  void forget(String arn, ProviderException error) {
    Watch w = watches.remove(arn);
    if (w != null) {
      w.running.tryFail(error);
    }
  }

  /** The last status ECS reported for a followed task, for timeout messages. */
  String lastStatus(String arn) {
    Watch w = watches.get(arn);
    return w == null ? "unknown" : w.lastStatus;
  }

  /** The last DescribeTasks failure, or "" if the last poll worked. */
  String lastError() {
    return lastError;
  }

  void close() {
    closed = true;
    if (timerId != -1) {
      context.owner().cancelTimer(timerId);
      timerId = -1;
    }
    ProviderException error = new ProviderException("the gateway is shutting down");
    for (Watch w : watches.values()) {
      w.running.tryFail(error);
    }
    watches.clear();
  }

  private void schedule(long delay) {
    if (closed || polling || watches.isEmpty()) {
      return;
    }
    long due = System.nanoTime() + delay * 1_000_000;
    if (timerId != -1) {
      if (due - timerDue >= 0) {
        return;
      }
      context.owner().cancelTimer(timerId);
    }
    timerDue = due;
    timerId = context.owner().setTimer(Math.max(1, delay), id -> {
      timerId = -1;
      poll();
    });
  }

  private void poll() {
    long now = System.nanoTime();
    boolean watchDue = now - lastWatchPoll >= tuning.watchInterval().toNanos();
    List<String> arns = new ArrayList<>();
    boolean anyPending = false;
    for (Map.Entry<String, Watch> e : watches.entrySet()) {
      anyPending |= e.getValue().pending;
      if (e.getValue().pending || watchDue) {
        arns.add(e.getKey());
      }
    }
    if (watchDue) {
      lastWatchPoll = now;
    }
    List<Future<Void>> batches = new ArrayList<>();
    for (int i = 0; i < arns.size(); i += MAX_BATCH) {
      List<String> batch = arns.subList(i, Math.min(arns.size(), i + MAX_BATCH));
      batches.add(describe(List.copyOf(batch)));
    }
    polling = true;
    long next = anyPending ? delayMillis : tuning.watchInterval().toMillis();
    if (anyPending) {
      delayMillis = Math.min(delayMillis * 2, tuning.pollMax().toMillis());
    }
    Future.join(batches).onComplete(ar -> {
      polling = false;
      boolean stillPending = watches.values().stream().anyMatch(w -> w.pending);
      // min: a launch that arrived during this poll reset the cadence to pollInitial
      schedule(stillPending ? Math.min(next, delayMillis) : tuning.watchInterval().toMillis());
    });
  }

  private Future<Void> describe(List<String> arns) {
    DescribeTasksRequest request = DescribeTasksRequest.builder().cluster(cluster).tasks(arns).build();
    return calls.call(context, "DescribeTasks", () -> client.describeTasks(request))
        .onSuccess(this::apply)
        .onFailure(err -> {
          lastError = err.getMessage();
          log.warn("DescribeTasks of {} tasks failed: {}", arns.size(), err.getMessage());
        })
        .mapEmpty();
  }

  private void apply(DescribeTasksResponse response) {
    lastError = "";
    for (Task task : response.tasks()) {
      Watch w = watches.get(task.taskArn());
      if (w == null) {
        continue;
      }
      w.lastStatus = task.lastStatus();
      if ("STOPPED".equals(task.lastStatus())) {
        stopped(task.taskArn(), w, Tasks.stopReason(task));
      } else if (w.pending && "RUNNING".equals(task.lastStatus()) && Tasks.privateIp(task).isPresent()) {
        w.pending = false;
        w.running.tryComplete(task);
      }
    }
    for (Failure f : response.failures()) {
      Watch w = watches.get(f.arn());
      if (w != null && "MISSING".equals(f.reason())) {
        stopped(f.arn(), w, "the task no longer exists (ECS reports it MISSING)");
      }
    }
  }

  private void stopped(String arn, Watch w, String reason) {
    watches.remove(arn);
    if (w.pending) {
      log.warn("task {} stopped before it was ready: {}", arn, reason);
    } else {
      log.info("task {} stopped: {}", arn, reason);
    }
    w.running.tryFail(new ProviderException("the workspace task stopped before it was ready: " + reason));
    w.stopped.tryComplete(reason);
  }
}
