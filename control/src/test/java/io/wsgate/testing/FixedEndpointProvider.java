package io.wsgate.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.workspace.Endpoint;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider whose every workspace is one in-process backend, for tests of proxying rather than launching:
 * launching is then instant and the backend's behaviour is fully under the test's control.
 */
public final class FixedEndpointProvider implements WorkspaceProvider {

  private final Endpoint endpoint;
  private final AtomicInteger launches = new AtomicInteger();
  /** What runs, as a real provider would list it, so a leader's reconcile keeps the routes to it. */
  private final Map<String, ProvisionedWorkspace> running = new ConcurrentHashMap<>();

  public FixedEndpointProvider(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  public int launches() {
    return launches.get();
  }

  @Override
  public String name() {
    return "fixed";
  }

  @Override
  public Future<Void> verify() {
    return Future.succeededFuture();
  }

  @Override
  public Future<ProvisionedWorkspace> launch(LaunchRequest request) {
    launches.incrementAndGet();
    ProvisionedWorkspace pw = new ProvisionedWorkspace("fixed-" + request.launchId(),
        request.workspace().value(), request.profile().name(), request.launchId(), endpoint,
        Promise.<String>promise().future());
    running.put(pw.ref(), pw);
    return Future.succeededFuture(pw);
  }

  @Override
  public Future<Void> stop(String ref, StopReason reason) {
    running.remove(ref);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<ProvisionedWorkspace>> list() {
    return Future.succeededFuture(List.copyOf(running.values()));
  }
}
