package io.wsgate.workspace;

import java.util.Objects;

/**
 * A running workspace as the proxy needs it: where to send its traffic. {@code launchId} tells two
 * incarnations of the same workspace apart, so that dropping a dead route never removes a newer one.
 */
public record Route(WorkspaceId id, String profile, Endpoint endpoint, String providerRef, String launchId,
                    long startedAtMillis) {

  public Route {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(providerRef, "providerRef");
    Objects.requireNonNull(launchId, "launchId");
  }
}
