package io.wsgate.proxy.auth;

import io.vertx.core.Future;
import io.wsgate.auth.Session;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.config.SecurityConfig;
import io.wsgate.proxy.edge.ClientAddress;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.proxy.error.GatewayFailure;
import io.wsgate.proxy.routing.WorkspaceRequest;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * Decides whether a request may launch its workspace, before anything is started: the signed-in owner (from
 * the session cookie; with auth off, the client address) must have fewer than the allowed launches starting and
 * be within the per-minute rate, and the whole fleet below its concurrent launch limit, all counted in Redis
 * across replicas. The session's profile picks what is launched.
 */
public final class LaunchGuard {

  private static final Logger log = LoggerFactory.getLogger(LaunchGuard.class);

  /** A launch may go ahead with {@link #profile()}; {@link #release()} once it has finished either way. */
  public interface Permit {
    Profile profile();

    void release();
  }

  private final GatewayConfig config;
  private final SecurityConfig security;
  private final Access access;
  private final AuthStore store;
  private final ClientAddress clients;
  private final Clock clock;

  /** @param access null when auth is off */
  public LaunchGuard(GatewayConfig config, Access access, AuthStore store, ClientAddress clients, Clock clock) {
    this.config = config;
    this.security = config.security();
    this.access = access;
    this.store = store;
    this.clients = clients;
    this.clock = clock;
  }

  /**
   * Admits a launch of the workspace {@code req} names, for the owner of its session (with auth off, its client
   * address); fails with a {@link GatewayFailure} (or a Redis failure).
   */
  public Future<Permit> admit(WorkspaceRequest req) {
    long now = clock.millis();
    WorkspaceId id = req.id();
    String user;
    String profileName = "";
    if (access != null) {
      Session s = req.session();
      if (s == null) {
        return Future.failedFuture(GatewayFailure.of(GatewayError.UNAUTHENTICATED,
            "Open the workspace from your course page to start it.", 0));
      }
      user = s.user();
      profileName = s.profile();
    } else {
      user = "addr:" + clients.of(req.http());
    }
    Profile profile = config.profiles().get(profileName.isEmpty() ? config.defaultProfile() : profileName);
    if (profile == null) {
      return Future.failedFuture(GatewayFailure.of(GatewayError.UNKNOWN_PROFILE, "This workspace asks for a kind of "
          + "workspace ('" + profileName + "') this gateway no longer offers. Tell your teacher.", 0));
    }
    long hold = config.launchTimeout().toMillis() * 2;
    return store.admitLaunch(user, id, now, hold, security.userConcurrentLaunches(),
        security.globalConcurrentLaunches(), security.userLaunchRate()).compose(r -> switch (r.admission()) {
          case ADMITTED -> Future.succeededFuture(permit(user, id, profile));
          case USER_BUSY -> refuse(id, user, GatewayFailure.of(GatewayError.TOO_MANY_LAUNCHES, "You already have "
              + security.userConcurrentLaunches() + " workspace(s) starting. Wait until they are ready, then "
              + "try again.", 10));
          case USER_RATE -> refuse(id, user, GatewayFailure.of(GatewayError.TOO_MANY_LAUNCHES, "You started many "
              + "workspaces in the last minute. Wait a moment, then try again.", Math.max(1, (r.retryAfterMs() + 999) / 1000)));
          case GLOBAL_BUSY -> refuse(id, user, GatewayFailure.of(GatewayError.TOO_MANY_LAUNCHES, "Many workspaces are "
              + "starting right now. Yours will start if you try again in a few seconds.", 5));
        });
  }

  private static Future<Permit> refuse(WorkspaceId id, String user, GatewayFailure r) {
    log.warn("workspace {}: launch for {} refused: {}", id, user, r.getMessage());
    return Future.failedFuture(r);
  }

  private Permit permit(String user, WorkspaceId id, Profile profile) {
    return new Permit() {
      @Override
      public Profile profile() {
        return profile;
      }

      @Override
      public void release() {
        store.launchDone(user, id).onFailure(err -> log.debug("workspace {}: launch slot release: {}", id, err.toString()));
      }
    };
  }
}
