package io.wsgate.proxy.routing;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property the fuzzers check on every request they see accepted: if the gateway would forward its target
 * (not {@link ReservedPaths#isReserved reserved}), no workspace stack in {@link WorkspaceRouters} routes it to a
 * reserved path.
 */
public final class ReservedPathsProperty {

  /** The gateway's reserved paths: the demo's hook and a profile's own, spelled with capitals. */
  static final List<String> RESERVED = List.of("/wsgate/assign", "/_agent/Assign");
  private static final ReservedPaths GATEWAY = new ReservedPaths(RESERVED);

  private ReservedPathsProperty() {
  }

  /** Fails if the gateway forwards {@code target} and some stack routes it to a reserved path. */
  public static void check(String target) {
    if (GATEWAY.isReserved(WorkspaceRouters.rawPath(target))) {
      return;
    }
    for (String reserved : RESERVED) {
      assertThat(WorkspaceRouters.reaching(target, reserved)).as("forwarded by the gateway: %s", target).isNull();
    }
  }
}
