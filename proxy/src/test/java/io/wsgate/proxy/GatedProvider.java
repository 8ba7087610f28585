package io.wsgate.proxy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.workspace.Endpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A provider whose launches finish only when the test opens the gate, so launches can be held "starting". */
final class GatedProvider implements WorkspaceProvider {

  private final Endpoint endpoint;
  private final Promise<Void> gate = Promise.promise();
  private final AtomicInteger launches = new AtomicInteger();
  private final List<Waiter> waiters = new ArrayList<>();

  private record Waiter(int count, Promise<Void> promise) {
  }

  GatedProvider(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  int launches() {
    return launches.get();
  }

  /** Completes once {@code n} launches have started. */
  synchronized Future<Void> launched(int n) {
    Promise<Void> p = Promise.promise();
    if (launches.get() >= n) {
      p.complete();
    } else {
      waiters.add(new Waiter(n, p));
    }
    return p.future();
  }

  void open() {
    gate.tryComplete();
  }

  @Override
  public String name() {
    return "gated";
  }

  @Override
  public Future<Void> verify() {
    return Future.succeededFuture();
  }

  @Override
  public Future<ProvisionedWorkspace> launch(LaunchRequest request) {
    int n = launches.incrementAndGet();
    synchronized (this) {
      waiters.removeIf(w -> n >= w.count() && w.promise().tryComplete());
    }
    return gate.future().map(v -> new ProvisionedWorkspace("gated-" + request.launchId(), request.workspace().value(),
        request.profile().name(), request.launchId(), endpoint, Promise.<String>promise().future()));
  }

  @Override
  public Future<Void> stop(String ref, StopReason reason) {
    return Future.succeededFuture();
  }

  @Override
  public Future<List<ProvisionedWorkspace>> list() {
    return Future.succeededFuture(List.of());
  }
}
