package io.wsgate.provider;

import io.wsgate.auth.AssignSignature;
import io.wsgate.config.Profile;
import io.wsgate.workspace.WorkspaceId;

import java.util.Objects;

/**
 * What to launch.
 *
 * @param workspace    the workspace it serves
 * @param profile      the kind of workspace
 * @param launchId     unique per launch; tags the process or task so reconcile can match it to Redis
 * @param pool         a warm pool member: {@code workspace} is only a placeholder name until it is assigned, and the
 *                     provider records it as unassigned (an empty workspace id in {@link ProvisionedWorkspace})
 * @param assignSecret a pool member's secret for checking the gateway's assign request, which the provider passes
 *                     in the member's environment as {@value AssignSignature#SECRET_ENV}; null for other launches
 */
public record LaunchRequest(WorkspaceId workspace, Profile profile, String launchId, boolean pool,
                            String assignSecret) {

  /**
   * A warm pool member of {@code profile}; its placeholder name is {@code pool-<launchId>}, its assign secret
   * {@code assignSecret} (see {@link AssignSignature}).
   */
  public static LaunchRequest poolMember(Profile profile, String launchId, String assignSecret) {
    Objects.requireNonNull(assignSecret, "assignSecret");
    return new LaunchRequest(new WorkspaceId(placeholder(launchId)), profile, launchId, true, assignSecret);
  }

  /** The name an unassigned pool member goes by (process name, log file). */
  public static String placeholder(String launchId) {
    return "pool-" + launchId;
  }

  /** A launch for a user's workspace. */
  public LaunchRequest(WorkspaceId workspace, Profile profile, String launchId) {
    this(workspace, profile, launchId, false, null);
  }

  public LaunchRequest {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(launchId, "launchId");
  }

  /** Never shows the secret (requests are logged). */
  @Override
  public String toString() {
    return "LaunchRequest[" + workspace + ", " + profile.name() + ", " + launchId + (pool ? ", pool" : "") + "]";
  }
}
