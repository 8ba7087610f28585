package io.wsgate.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.workspace.Endpoint;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider whose every workspace is one in-process backend, for tests of proxying rather than launching:
 * launching is then instant and the backend's behaviour is fully under the test's control.
 */
public final class FixedEndpointProvider implements WorkspaceProvider {

  private final Endpoint endpoint;
  private final AtomicInteger launches = new AtomicInteger();

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
    return Future.succeededFuture(new ProvisionedWorkspace("fixed-" + request.launchId(),
        request.workspace().value(), request.profile().name(), request.launchId(), endpoint,
        Promise.<String>promise().future()));
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
