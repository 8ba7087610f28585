package io.wsgate.simulate;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.wsgate.time.ManualClock;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.workspace.Endpoint;
import io.wsgate.workspace.WorkspaceId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * Fargate in virtual time: a launch completes once the virtual clock reaches launch time plus a cold start drawn
 * from {@code coldStart} (RunTask to healthy), when the simulator says so. Every workspace's endpoint is the
 * simulator's one tiny HTTP server, which answers readiness probes and assign hooks at once, so the real
 * {@code ReadinessProbe} and assign hook run unchanged. Called on the simulation's Vert.x context only.
 */
final class SimProvider implements WorkspaceProvider {

  private final ManualClock clock;
  private final Spread coldStart;
  private final SplittableRandom random;
  private final Endpoint endpoint;
  private final BiConsumer<Long, SimTask> readyAt;
  private final Map<String, SimTask> running = new LinkedHashMap<>();
  private final List<SimTask> all = new ArrayList<>();
  /** The running fresh (not pool) launches by workspace, in launch order: what {@link #running(WorkspaceId)} reads. */
  private final Map<String, List<SimTask>> freshByWorkspace = new java.util.HashMap<>();
  private final Map<String, Promise<SimTask>> coldWanted = new LinkedHashMap<>();
  private long sequence;
  private java.util.function.Consumer<String> decisions = what -> { };

  /** @param readyAt told of each launch: when (virtual ms) it becomes healthy */
  SimProvider(ManualClock clock, Spread coldStart, SplittableRandom random, Endpoint endpoint,
              BiConsumer<Long, SimTask> readyAt) {
    this.clock = clock;
    this.coldStart = coldStart;
    this.random = random;
    this.endpoint = endpoint;
    this.readyAt = readyAt;
  }

  /** Tells {@code log} of each launch, assignment and stop (null: nobody). */
  void decisions(java.util.function.Consumer<String> log) {
    this.decisions = log == null ? what -> { } : log;
  }

  /** Completes when the launcher asks for a fresh (not pool) launch of {@code workspace}. */
  Future<SimTask> coldLaunchOf(String workspace) {
    return coldWanted.computeIfAbsent(workspace, k -> Promise.promise()).future();
  }

  void forgetColdLaunch(String workspace) {
    coldWanted.remove(workspace);
  }

  /** Makes a launch healthy: the launcher's or pool's future completes and the real code probes it. */
  void complete(SimTask task) {
    task.launched.tryComplete(new ProvisionedWorkspace(task.ref, task.pool ? "" : task.workspace, task.profile,
        task.launchId, endpoint, task.exit.future()));
  }

  List<SimTask> tasks() {
    return all;
  }

  /** The tasks not stopped yet. */
  java.util.Collection<SimTask> running() {
    return running.values();
  }

  SimTask task(String ref) {
    return running.get(ref);
  }

  @Override
  public String name() {
    return "simulated";
  }

  @Override
  public Future<Void> verify() {
    return Future.succeededFuture();
  }

  @Override
  public Future<ProvisionedWorkspace> launch(LaunchRequest request) {
    long now = clock.millis();
    String ref = "task-" + (++sequence);
    SimTask task = new SimTask(ref, request.launchId(), request.profile().name(), request.pool(),
        request.pool() ? "" : request.workspace().value(), now, now + coldStart.draw(random),
        ((io.vertx.core.internal.ContextInternal) io.vertx.core.Vertx.currentContext()).promise());
    running.put(ref, task);
    all.add(task);
    if (!task.pool) {
      freshByWorkspace.computeIfAbsent(task.workspace, k -> new ArrayList<>(1)).add(task);
    }
    decisions.accept("launch " + task.label() + " " + task.profile + " healthy at " + task.readyAt);
    readyAt.accept(task.readyAt, task);
    if (!request.pool()) {
      task.assignedAt = task.readyAt;
      Promise<SimTask> wanted = coldWanted.remove(task.workspace);
      if (wanted != null) {
        wanted.tryComplete(task);
      }
    }
    return task.launched.future();
  }

  @Override
  public Future<Void> confirmEndpoint(ProvisionedWorkspace workspace) {
    SimTask task = running.get(workspace.ref());
    if (task != null) {
      task.probed.tryComplete();
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> assign(String ref, WorkspaceId id, String profile) {
    SimTask task = running.get(ref);
    if (task == null) {
      return Future.failedFuture("gone: " + ref);
    }
    task.workspace = id.value();
    task.assignedAt = clock.millis();
    decisions.accept("assign " + task.label() + " " + id.value());
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop(String ref, StopReason reason) {
    SimTask task = running.remove(ref);
    if (task != null && !task.pool) {
      List<SimTask> fresh = freshByWorkspace.get(task.workspace);
      fresh.remove(task);
      if (fresh.isEmpty()) {
        freshByWorkspace.remove(task.workspace);
      }
    }
    if (task != null) {
      decisions.accept("stop " + task.label() + " " + reason.tag());
      task.stoppedAt = clock.millis();
      task.launched.tryFail("stopped: " + reason.tag());
      task.exit.tryComplete("stopped: " + reason.tag());
      task.probed.tryComplete();
    }
    return Future.succeededFuture();
  }

  /** As the interface's default (the listing filtered), without listing every other task. */
  @Override
  public Future<List<ProvisionedWorkspace>> running(WorkspaceId id) {
    List<ProvisionedWorkspace> out = new ArrayList<>();
    for (SimTask t : freshByWorkspace.getOrDefault(id.value(), List.of())) {
      out.add(listed(t));
    }
    return Future.succeededFuture(out);
  }

  private ProvisionedWorkspace listed(SimTask t) {
    return t.launched.future().succeeded() ? t.launched.future().result()
        : new ProvisionedWorkspace(t.ref, t.pool ? "" : t.workspace, t.profile, t.launchId, endpoint, t.exit.future());
  }

  @Override
  public Future<List<ProvisionedWorkspace>> list() {
    List<ProvisionedWorkspace> out = new ArrayList<>();
    for (SimTask t : running.values()) {
      out.add(listed(t));
    }
    return Future.succeededFuture(out);
  }
}
