package io.wsgate.launch;

import io.vertx.core.Future;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.store.RedisStore;
import io.wsgate.workspace.Route;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * After a gateway restart, and each time Redis comes back after a loss: takes back the workspaces the provider still
 * runs. One whose route is in Redis is
 * watched again; one Redis knows nothing about (Redis lost its data) is routed again if it answers. Anything
 * else, a launch under way on another replica included, is left alone here: the leader's reconcile stops what
 * is truly orphaned, so a restart neither leaks nor forgets workspaces and never stops another's launch.
 */
public final class Adoption {

  private static final Logger log = LoggerFactory.getLogger(Adoption.class);

  private final GatewayConfig config;
  private final RedisStore store;
  private final WorkspaceProvider provider;
  private final Launcher launcher;

  public Adoption(GatewayConfig config, RedisStore store, WorkspaceProvider provider, Launcher launcher) {
    this.config = config;
    this.store = store;
    this.provider = provider;
    this.launcher = launcher;
  }

  public Future<Void> adopt() {
    return provider.list().compose(running -> {
      List<Future<Void>> all = new ArrayList<>();
      for (ProvisionedWorkspace pw : running) {
        if (pw.workspaceId() == null || pw.workspaceId().isEmpty()) {
          continue;
        }
        all.add(adoptOne(pw).recover(err -> {
          log.warn("could not adopt {}: {}", pw.ref(), err.toString());
          return Future.succeededFuture();
        }));
      }
      return Future.join(all).mapEmpty();
    });
  }

  private Future<Void> adoptOne(ProvisionedWorkspace pw) {
    if (!WorkspaceId.isValid(pw.workspaceId())) {
      return Future.succeededFuture(); // not ours to judge here; reconcile stops it
    }
    WorkspaceId id = new WorkspaceId(pw.workspaceId());
    Profile profile = config.profiles().get(pw.profile());
    return store.read(id).compose(rec -> {
      Route known = rec.flatMap(r -> r.route()).orElse(null);
      if (known != null && known.launchId().equals(pw.launchId())) {
        pw.terminated().onSuccess(reason -> launcher.health().drop(known, reason));
        log.info("workspace {}: adopted running route to {}", id, known.endpoint());
        return Future.succeededFuture();
      }
      if (rec.isPresent() || profile == null) {
        return Future.succeededFuture();
      }
      String token = launcher.replica() + ":" + UUID.randomUUID();
      return store.tryLock(id, token, config.launchTimeout()).compose(locked -> {
        if (!locked) {
          return Future.succeededFuture();
        }
        return launcher.probe().probeOnce(pw.endpoint(), launcher.authority(id), profile.readinessPath())
            .compose(ready -> {
              if (!ready) {
                return store.releaseLock(id, token).mapEmpty();
              }
              return launcher.publishAdopted(id, profile, pw, token, 0).mapEmpty();
            });
      });
    });
  }
}
