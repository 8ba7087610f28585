package io.wsgate.provider;

import io.vertx.core.Future;
import io.wsgate.workspace.Endpoint;

import java.util.Objects;

/**
 * A workspace the provider runs.
 *
 * @param ref         the provider's handle (a local registry key, an ECS task ARN)
 * @param workspaceId the workspace it serves
 * @param profile     profile name
 * @param launchId    the launch that started it
 * @param endpoint    where it listens
 * @param terminated  completes with a human-readable reason when it stops by itself
 *                    ({@code exited with code 1}, an ECS {@code stoppedReason})
 */
public record ProvisionedWorkspace(String ref, String workspaceId, String profile, String launchId,
                                   Endpoint endpoint, Future<String> terminated) {

  public ProvisionedWorkspace {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(terminated, "terminated");
  }
}
