package io.wsgate.provider;

import io.wsgate.config.Profile;
import io.wsgate.workspace.WorkspaceId;

import java.util.Objects;

/**
 * What to launch.
 *
 * @param workspace the workspace it serves
 * @param profile   the kind of workspace
 * @param launchId  unique per launch; tags the process or task so reconcile can match it to Redis
 */
public record LaunchRequest(WorkspaceId workspace, Profile profile, String launchId) {

  public LaunchRequest {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(launchId, "launchId");
  }
}
