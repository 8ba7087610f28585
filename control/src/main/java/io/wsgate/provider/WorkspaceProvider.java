package io.wsgate.provider;

import io.vertx.core.Future;
import io.wsgate.workspace.WorkspaceId;

import java.util.List;

/**
 * The narrow port to wherever workspaces run: local processes or ECS tasks. Implementations never block
 * the calling event loop and complete their futures on the caller's context. Readiness is not the
 * provider's concern: a launched workspace has an endpoint, the launcher probes it.
 */
public interface WorkspaceProvider {

  /** Short name for logs and metrics: {@code local}, {@code ecs}. */
  String name();

  /** Checks that the provider can work (cluster exists, commands resolve), with a precise message if not. */
  Future<Void> verify();

  /** Starts a workspace and completes once it has an address (it may not serve yet). */
  Future<ProvisionedWorkspace> launch(LaunchRequest request);

  /**
   * Records that the warm pool member {@code ref} now serves workspace {@code id} (local: the registry and the
   * data directory; ecs: the task's workspace tag), so reconcile and restarts see it as that workspace's.
   */
  default Future<Void> assign(String ref, WorkspaceId id, String profile) {
    return Future.succeededFuture();
  }

  /**
   * Called once the workspace's endpoint answered its readiness probe, before anything is routed to it. A
   * provider whose endpoints another program could answer on (local ports) checks here that the answer came
   * from this workspace, and fails if not.
   */
  default Future<Void> confirmEndpoint(ProvisionedWorkspace workspace) {
    return Future.succeededFuture();
  }

  /** Stops a workspace; succeeds if it is already gone. Its data stays. */
  Future<Void> stop(String ref, StopReason reason);

  /**
   * Everything this gateway fleet's provider started that still runs, for reconcile and restart adoption.
   * Warm pool members that are not assigned yet have an empty workspace id.
   */
  Future<List<ProvisionedWorkspace>> list();

  /**
   * The workspaces of {@code id} that run now, whatever Redis remembers (normally none, or one). The launcher asks
   * before it starts or claims one, so a workspace whose records Redis lost (restarted empty, failed over to a
   * replica that missed writes) is adopted, never started a second time on the same data. Called on the cold
   * path only; the default filters {@link #list()}.
   */
  default Future<List<ProvisionedWorkspace>> running(WorkspaceId id) {
    return list().map(all -> all.stream().filter(pw -> id.value().equals(pw.workspaceId())).toList());
  }

  /** Releases the provider's own resources; does not stop workspaces. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
