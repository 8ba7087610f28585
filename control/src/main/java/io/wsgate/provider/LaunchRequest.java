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
 * @param pool      a warm pool member: {@code workspace} is only a placeholder name until it is assigned, and the
 *                  provider records it as unassigned (an empty workspace id in {@link ProvisionedWorkspace})
 */
public record LaunchRequest(WorkspaceId workspace, Profile profile, String launchId, boolean pool) {

  /** A warm pool member of {@code profile}; its placeholder name is {@code pool-<launchId>}. */
  public static LaunchRequest poolMember(Profile profile, String launchId) {
    return new LaunchRequest(new WorkspaceId(placeholder(launchId)), profile, launchId, true);
  }

  /** The name an unassigned pool member goes by (process name, log file). */
  public static String placeholder(String launchId) {
    return "pool-" + launchId;
  }

  /** A launch for a user's workspace. */
  public LaunchRequest(WorkspaceId workspace, Profile profile, String launchId) {
    this(workspace, profile, launchId, false);
  }

  public LaunchRequest {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(launchId, "launchId");
  }
}
