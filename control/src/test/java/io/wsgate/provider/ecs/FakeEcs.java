package io.wsgate.provider.ecs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local ECS endpoint speaking the JSON 1.1 wire protocol the real SDK client uses
 * ({@code X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>}, {@code application/x-amz-json-1.1},
 * errors as HTTP 400 with {@code {"__type": ..., "message": ...}}). A started task really runs: a
 * {@link FakeBackend} on a loopback address of its own (127.0.0.2, 127.0.0.3, ...; Linux routes all of
 * 127/8 to lo), reported as the ENI's private IP once the task is RUNNING.
 *
 * <p>Injectable: throttling of an operation N times, RunTask {@code failures[]}, tasks that stop on their
 * own, tasks held in PENDING until released, slow readiness, ListTasks page size, cluster and task
 * definition state. Every request is recorded for assertions. Methods are synchronized: the test thread
 * injects while the server's event loop answers.
 *
 * <p>Public so end-to-end tests of other modules (through the control test-jar) can run the gateway with
 * {@code WSGATE_PROVIDER=ecs}, {@code WSGATE_ECS_ENDPOINT=}{@link #endpoint()}, {@code WSGATE_ECS_REGION=}
 * {@link #REGION}, profile port {@link #containerPort()}, and a provider from
 * {@code EcsProvider.create(vertx, config, StaticCredentialsProvider..., tuning)}.
 */
public final class FakeEcs {

  public static final String REGION = "eu-west-1";
  public static final String ACCOUNT = "123456789012";
  private static final String TARGET = "AmazonEC2ContainerServiceV20141113.";
  /** Loopback addresses handed out across all fakes of the JVM, so no two tasks ever share one. */
  private static final AtomicInteger NEXT_IP = new AtomicInteger(2);

  private final Vertx vertx;
  private final int containerPort = freePort();
  private final Map<String, FakeTask> tasks = new LinkedHashMap<>();
  private final Map<String, String> clusters = new HashMap<>();
  private final Map<String, String> taskDefinitions = new HashMap<>();
  private final Map<String, Integer> throttles = new HashMap<>();
  private final Deque<JsonObject> runTaskFailures = new ArrayDeque<>();
  private final Deque<String> selfStops = new ArrayDeque<>();
  private final Map<String, List<JsonObject>> requests = new HashMap<>();
  private Duration pendingDelay = Duration.ofMillis(100);
  private boolean holdPending;
  private boolean slowReadiness;
  private int listPageSize = 100;
  private HttpServer server;

  private FakeEcs(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A fake with cluster {@code wsgate} ACTIVE, listening on a free loopback port. */
  public static Future<FakeEcs> start(Vertx vertx) {
    FakeEcs fake = new FakeEcs(vertx);
    fake.cluster("wsgate", "ACTIVE");
    return vertx.createHttpServer().requestHandler(fake::handle).listen(0, "127.0.0.1").map(s -> {
      fake.server = s;
      return fake;
    });
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  /** The port every task's container listens on; profiles must use it. */
  public int containerPort() {
    return containerPort;
  }

  public synchronized FakeEcs cluster(String name, String status) {
    clusters.put(name, status);
    return this;
  }

  public synchronized FakeEcs taskDefinition(String family, String container) {
    taskDefinitions.put(family, container);
    return this;
  }

  /** The next {@code times} calls of {@code operation} answer ThrottlingException. */
  public synchronized FakeEcs throttle(String operation, int times) {
    throttles.put(operation, times);
    return this;
  }

  /** The next RunTask starts nothing and reports this failure, as ECS does for capacity or ENI limits. */
  public synchronized FakeEcs failNextRunTask(String reason, String detail) {
    runTaskFailures.add(new JsonObject().put("arn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":container-instance/x")
        .put("reason", reason).put("detail", detail));
    return this;
  }

  /** The next task started goes from PENDING to STOPPED by itself, with this stoppedReason. */
  public synchronized FakeEcs stopNextTaskOnItsOwn(String stoppedReason) {
    selfStops.add(stoppedReason);
    return this;
  }

  public synchronized FakeEcs pendingDelay(Duration delay) {
    pendingDelay = delay;
    return this;
  }

  /** Keeps every task PENDING until {@link #releasePending()}. */
  public synchronized FakeEcs holdPending() {
    holdPending = true;
    return this;
  }

  public synchronized void releasePending() {
    holdPending = false;
    tasks.values().stream().filter(t -> t.runningAt == Long.MAX_VALUE).forEach(t -> t.runningAt = System.nanoTime());
  }

  /** Backends answer 503 until their task's {@link FakeTask#markReady()}. */
  public synchronized FakeEcs slowReadiness() {
    slowReadiness = true;
    return this;
  }

  public synchronized FakeEcs listPageSize(int size) {
    listPageSize = size;
    return this;
  }

  /** A running task some other tool started: list() must not adopt it. */
  public synchronized String addForeignTask(String startedBy) {
    FakeTask t = new FakeTask("arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task/wsgate/foreign" + tasks.size(),
        "10.9.9.9", startedBy, new JsonArray(), "workspace", 0);
    t.status = "RUNNING";
    tasks.put(t.arn, t);
    return t.arn;
  }

  /** Stops a running task as ECS would (health check, Spot interruption). */
  public synchronized void stopTaskOnItsOwn(String arn, String reason) {
    tasks.get(arn).stop(reason);
  }

  public synchronized FakeTask task(String arn) {
    return tasks.get(arn);
  }

  /** The recorded request bodies of {@code operation}, oldest first. */
  public synchronized List<JsonObject> requests(String operation) {
    return List.copyOf(requests.getOrDefault(operation, List.of()));
  }

  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    synchronized (this) {
      tasks.values().forEach(t -> closing.add(t.closeBackend()));
    }
    closing.add(server.close());
    return Future.join(closing).mapEmpty();
  }

  private void handle(HttpServerRequest req) {
    String target = String.valueOf(req.getHeader("X-Amz-Target"));
    String op = target.startsWith(TARGET) ? target.substring(TARGET.length()) : target;
    req.body().onSuccess(body -> answer(req, op, body.length() == 0 ? new JsonObject() : body.toJsonObject()));
  }

  private void answer(HttpServerRequest req, String op, JsonObject in) {
    Future<JsonObject> out;
    synchronized (this) {
      requests.computeIfAbsent(op, k -> new ArrayList<>()).add(in);
      int throttled = throttles.getOrDefault(op, 0);
      if (throttled > 0) {
        throttles.put(op, throttled - 1);
        error(req, "ThrottlingException", "Rate exceeded");
        return;
      }
      out = switch (op) {
        case "RunTask" -> runTask(in);
        case "DescribeTasks" -> Future.succeededFuture(describeTasks(in));
        case "StopTask" -> stopTask(in);
        case "ListTasks" -> Future.succeededFuture(listTasks(in));
        case "DescribeClusters" -> Future.succeededFuture(describeClusters(in));
        case "DescribeTaskDefinition" -> describeTaskDefinition(in);
        case "TagResource" -> tagResource(in);
        default -> Future.failedFuture(new FakeError("UnknownOperationException", "unsupported: " + op));
      };
    }
    out.onComplete(ar -> {
      if (ar.succeeded()) {
        req.response().putHeader("Content-Type", "application/x-amz-json-1.1").end(ar.result().encode());
      } else if (ar.cause() instanceof FakeError e) {
        error(req, e.type, e.getMessage());
      } else {
        error(req, "ServerException", String.valueOf(ar.cause()));
      }
    });
  }

  private Future<JsonObject> runTask(JsonObject in) {
    if (!runTaskFailures.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("tasks", new JsonArray())
          .put("failures", new JsonArray().add(runTaskFailures.poll())));
    }
    String family = in.getString("taskDefinition");
    String container = taskDefinitions.get(family);
    if (container == null) {
      return Future.failedFuture(new FakeError("ClientException", "TaskDefinition not found."));
    }
    int n = NEXT_IP.getAndIncrement();
    String ip = "127." + ((n >> 16) & 255) + "." + ((n >> 8) & 255) + "." + (n & 255);
    String arn = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task/" + in.getString("cluster") + "/t" + n;
    FakeTask task = new FakeTask(arn, ip, in.getString("startedBy"), in.getJsonArray("tags", new JsonArray()),
        container, holdPending ? Long.MAX_VALUE : pendingDelay.toNanos());
    task.request = in;
    task.selfStopReason = selfStops.poll();
    tasks.put(arn, task);
    String workspaceId = task.tag(Tasks.TAG_WORKSPACE);
    return FakeBackend.start(vertx, ip, containerPort, workspaceId, !slowReadiness).map(backend -> {
      synchronized (this) {
        task.backend = backend;
      }
      return new JsonObject().put("tasks", new JsonArray().add(task.toJson(false))).put("failures", new JsonArray());
    });
  }

  private JsonObject describeTasks(JsonObject in) {
    boolean withTags = in.getJsonArray("include", new JsonArray()).contains("TAGS");
    JsonArray found = new JsonArray();
    JsonArray failures = new JsonArray();
    for (Object arn : in.getJsonArray("tasks", new JsonArray())) {
      FakeTask t = tasks.get((String) arn);
      if (t == null) {
        failures.add(new JsonObject().put("arn", arn).put("reason", "MISSING"));
      } else {
        t.advance();
        found.add(t.toJson(withTags));
      }
    }
    return new JsonObject().put("tasks", found).put("failures", failures);
  }

  private Future<JsonObject> tagResource(JsonObject in) {
    FakeTask task = tasks.get(in.getString("resourceArn"));
    if (task == null) {
      return Future.failedFuture(new FakeError("InvalidParameterException", "The specified task is not found."));
    }
    for (Object o : in.getJsonArray("tags", new JsonArray())) {
      JsonObject t = (JsonObject) o;
      for (int i = task.tags.size() - 1; i >= 0; i--) {
        if (t.getString("key").equals(task.tags.getJsonObject(i).getString("key"))) {
          task.tags.remove(i);
        }
      }
      task.tags.add(t);
    }
    return Future.succeededFuture(new JsonObject());
  }

  private Future<JsonObject> stopTask(JsonObject in) {
    FakeTask t = tasks.get(in.getString("task"));
    if (t == null) {
      return Future.failedFuture(new FakeError("InvalidParameterException", "The referenced task was not found."));
    }
    t.stop(in.getString("reason", "Task stopped by user"));
    return t.closeBackend().map(v -> new JsonObject().put("task", t.toJson(false)));
  }

  private JsonObject listTasks(JsonObject in) {
    List<String> matching = new ArrayList<>();
    for (FakeTask t : tasks.values()) {
      t.advance();
      boolean desired = !"STOPPED".equals(t.status);
      if (desired && (!in.containsKey("startedBy") || in.getString("startedBy").equals(t.startedBy))) {
        matching.add(t.arn);
      }
    }
    int from = in.containsKey("nextToken") ? Integer.parseInt(in.getString("nextToken")) : 0;
    int to = Math.min(matching.size(), from + listPageSize);
    JsonObject out = new JsonObject().put("taskArns", new JsonArray(matching.subList(from, to)));
    if (to < matching.size()) {
      out.put("nextToken", String.valueOf(to));
    }
    return out;
  }

  private JsonObject describeClusters(JsonObject in) {
    JsonArray found = new JsonArray();
    JsonArray failures = new JsonArray();
    for (Object name : in.getJsonArray("clusters", new JsonArray())) {
      String arn = "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + name;
      String status = clusters.get((String) name);
      if (status == null) {
        failures.add(new JsonObject().put("arn", arn).put("reason", "MISSING"));
      } else {
        found.add(new JsonObject().put("clusterArn", arn).put("clusterName", name).put("status", status));
      }
    }
    return new JsonObject().put("clusters", found).put("failures", failures);
  }

  private Future<JsonObject> describeTaskDefinition(JsonObject in) {
    String family = in.getString("taskDefinition");
    String container = taskDefinitions.get(family);
    if (container == null) {
      return Future.failedFuture(new FakeError("ClientException", "Unable to describe task definition."));
    }
    JsonObject td = new JsonObject()
        .put("taskDefinitionArn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task-definition/" + family + ":1")
        .put("family", family).put("revision", 1).put("status", "ACTIVE").put("networkMode", "awsvpc")
        .put("containerDefinitions", new JsonArray().add(new JsonObject().put("name", container)
            .put("portMappings", new JsonArray().add(new JsonObject().put("containerPort", containerPort)))));
    return Future.succeededFuture(new JsonObject().put("taskDefinition", td));
  }

  private static void error(HttpServerRequest req, String type, String message) {
    req.response().setStatusCode(400).putHeader("Content-Type", "application/x-amz-json-1.1")
        .end(Buffer.buffer(new JsonObject().put("__type", type).put("message", message).encode()));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An error answer of the fake API. */
  private static final class FakeError extends RuntimeException {
    final String type;

    FakeError(String type, String message) {
      super(message, null, false, false);
      this.type = type;
    }
  }
}
