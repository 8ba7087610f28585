package io.wsgate.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.workspace.Endpoint;
import io.wsgate.workspace.WorkspaceId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A provider whose workspaces are real {@link TestBackend} servers deployed in this JVM, one per launch: cheap
 * enough for a hundred launches on a small machine, yet every workspace is a separate HTTP/WebSocket server.
 */
public final class InProcessProvider implements WorkspaceProvider {

  private record Running(ProvisionedWorkspace pw, String deployment, TestBackend backend, Promise<String> exit) {
  }

  private final Vertx vertx;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final AtomicInteger launches = new AtomicInteger();
  private final AtomicInteger poolLaunches = new AtomicInteger();
  private volatile boolean poolAssignFails;
  private volatile long poolAssignAnswerMs;
  private final java.util.Set<String> failingStops = ConcurrentHashMap.newKeySet();
  private final AtomicReference<ListHold> listHold = new AtomicReference<>();

  /**
   * A held {@link #list()}: it took its snapshot when {@code taken} completed and answers with it only once
   * {@code release} is completed, as a slow provider API (ECS ListTasks with pagination) would.
   */
  public record ListHold(Promise<Void> taken, Promise<Void> release) {
  }

  /**
   * Where backends are deployed from: a context of no verticle's. Deployed from a gateway verticle's context, a
   * backend would be that verticle's child, and stopping the gateway would stop its workspaces, which neither
   * real provider does.
   */
  private final Context home;

  /** Call from outside any Vert.x context (a test thread). */
  public InProcessProvider(Vertx vertx) {
    this.vertx = vertx;
    this.home = vertx.getOrCreateContext();
  }

  /** Warm pool members launched from now on refuse their assign hook. */
  public InProcessProvider poolAssignFails() {
    poolAssignFails = true;
    return this;
  }

  /** Warm pool members launched from now on answer their assign hook only after {@code ms}. */
  public InProcessProvider poolAssignAnswersAfter(long ms) {
    poolAssignAnswerMs = ms;
    return this;
  }

  /** Stopping the workspace of {@code id} fails, as a provider API error would. */
  public InProcessProvider failStopOf(String workspaceId) {
    failingStops.add(workspaceId);
    return this;
  }

  public int launches() {
    return launches.get();
  }

  public int poolLaunches() {
    return poolLaunches.get();
  }

  public int running() {
    return running.size();
  }

  public TestBackend backend(String ref) {
    Running r = running.get(ref);
    return r == null ? null : r.backend();
  }

  @Override
  public String name() {
    return "in-process";
  }

  @Override
  public Future<Void> verify() {
    return Future.succeededFuture();
  }

  @Override
  public Future<ProvisionedWorkspace> launch(LaunchRequest request) {
    (request.pool() ? poolLaunches : launches).incrementAndGet();
    TestBackend backend = new TestBackend(request.workspace().value(), 0).assignSecret(request.assignSecret());
    if (request.pool() && poolAssignFails) {
      backend.assignFails();
    }
    if (request.pool()) {
      backend.assignAnswersAfter(poolAssignAnswerMs);
    }
    Promise<String> deployed = Promise.promise();
    home.runOnContext(v -> vertx.deployVerticle(backend).onComplete(deployed));
    return deployed.future().map(deployment -> {
      Promise<String> exit = Promise.promise();
      ProvisionedWorkspace pw = new ProvisionedWorkspace(request.launchId(),
          request.pool() ? "" : request.workspace().value(), request.profile().name(), request.launchId(),
          new Endpoint("127.0.0.1", backend.actualPort()), exit.future());
      running.put(pw.ref(), new Running(pw, deployment, backend, exit));
      return pw;
    });
  }

  @Override
  public Future<Void> assign(String ref, WorkspaceId id, String profile) {
    Running r = running.get(ref);
    if (r == null) {
      return Future.failedFuture("gone: " + ref);
    }
    ProvisionedWorkspace pw = r.pw();
    running.put(ref, new Running(new ProvisionedWorkspace(pw.ref(), id.value(), pw.profile(), pw.launchId(),
        pw.endpoint(), pw.terminated()), r.deployment(), r.backend(), r.exit()));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop(String ref, StopReason reason) {
    Running found = running.get(ref);
    if (found != null && failingStops.contains(found.pw().workspaceId())) {
      return Future.failedFuture(new io.wsgate.provider.ProviderException("stop refused for " + ref));
    }
    Running r = running.remove(ref);
    if (r == null) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(r.deployment()).onComplete(ar -> r.exit().tryComplete("stopped: " + reason.tag()));
  }

  /** Makes a workspace die by itself, as a crashed container would. */
  public Future<Void> crash(String ref) {
    Running r = running.remove(ref);
    if (r == null) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(r.deployment()).onComplete(ar -> r.exit().tryComplete("crashed"));
  }

  /** Holds the next {@link #list()} call until the test completes {@link ListHold#release()}. */
  public ListHold holdNextList() {
    ListHold hold = new ListHold(Promise.promise(), Promise.promise());
    listHold.set(hold);
    return hold;
  }

  @Override
  public Future<List<ProvisionedWorkspace>> list() {
    List<ProvisionedWorkspace> out = new ArrayList<>();
    running.values().forEach(r -> out.add(r.pw()));
    ListHold hold = listHold.getAndSet(null);
    if (hold == null) {
      return Future.succeededFuture(out);
    }
    hold.taken().complete();
    return hold.release().future().map(out);
  }
}
