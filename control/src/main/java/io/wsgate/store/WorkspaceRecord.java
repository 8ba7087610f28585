package io.wsgate.store;

import io.wsgate.workspace.Endpoint;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import io.wsgate.workspace.WorkspaceState;

import java.util.Map;
import java.util.Optional;

/**
 * A workspace's hash in Redis ({@code wsgate:ws:<id>}): its state, and once running, its route.
 *
 * @param phase       what the launcher is doing now, for waiting pages on any replica
 * @param sinceMillis when the launch (starting) or the route (running) began
 */
public record WorkspaceRecord(WorkspaceId id, WorkspaceState state, String profile, String phase,
                              long sinceMillis, Optional<Route> route) {

  static Optional<WorkspaceRecord> fromHash(WorkspaceId id, Map<String, String> h) {
    String state = h.get("state");
    if (state == null) {
      return Optional.empty();
    }
    WorkspaceState s = WorkspaceState.fromWire(state);
    String profile = h.getOrDefault("profile", "");
    long since = parseLong(h.get("since"));
    Optional<Route> route = Optional.empty();
    if (s == WorkspaceState.RUNNING && h.get("host") != null && h.get("port") != null) {
      route = Optional.of(new Route(id, profile, new Endpoint(h.get("host"), (int) parseLong(h.get("port"))),
          h.getOrDefault("ref", ""), h.getOrDefault("launch", ""), since));
    }
    return Optional.of(new WorkspaceRecord(id, s, profile, h.getOrDefault("phase", ""), since, route));
  }

  private static long parseLong(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
