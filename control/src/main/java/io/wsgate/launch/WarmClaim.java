package io.wsgate.launch;

import io.vertx.core.Future;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.store.FleetStore;
import io.wsgate.store.PoolMember;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Gives a cold workspace a ready warm pool member: an atomic pop in Redis (no member twice, on any replica),
 * then the provider's bookkeeping and the profile's assign hook. Any failure stops the member and yields
 * nothing, so the caller falls back to a fresh launch.
 */
final class WarmClaim {

  private static final Logger log = LoggerFactory.getLogger(WarmClaim.class);

  private final GatewayConfig config;
  private final FleetStore fleet;
  private final WorkspaceProvider provider;
  private final AssignHook hook;

  WarmClaim(GatewayConfig config, FleetStore fleet, WorkspaceProvider provider, AssignHook hook) {
    this.config = config;
    this.fleet = fleet;
    this.provider = provider;
    this.hook = hook;
  }

  Future<Optional<Route>> claim(WorkspaceId id, Profile profile, String authority, long now) {
    if (!profile.fleet().hasPool()) {
      return Future.succeededFuture(Optional.empty());
    }
    return fleet.claim(profile.name(), now).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.<Route>empty());
      }
      PoolMember m = found.get();
      String dataDir = config.dataDir().resolve(id.value()).toString();
      return provider.assign(m.ref(), id, profile.name())
          .compose(v -> hook.assign(m.endpoint(), m.launchId(), config.security().assignKeys(), authority,
              profile.fleet().assignPath(), id.value(), dataDir))
          .map(v -> Optional.of(new Route(id, profile.name(), m.endpoint(), m.ref(), m.launchId(), now)))
          .recover(err -> {
            log.warn("workspace {}: warm member {} could not be assigned ({}); launching fresh", id, m.ref(),
                err.getMessage());
            provider.stop(m.ref(), StopReason.LAUNCH_FAILED);
            return fleet.release(m.launchId(), profile.name()).map(Optional.empty());
          });
    });
  }
}
