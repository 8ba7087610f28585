package io.wsgate.proxy.auth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.wsgate.auth.Session;
import io.wsgate.config.GatewayConfig;
import io.wsgate.config.Profile;
import io.wsgate.config.SecurityConfig;
import io.wsgate.launch.CapacityException;
import io.wsgate.proxy.edge.ClientAddress;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;

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

  /** A launch refused with a status, a message for the student and a Retry-After. */
  public static final class Refused extends RuntimeException {
    private final GatewayError kind;
    private final long retryAfterSeconds;

    Refused(GatewayError kind, String message, long retryAfterSeconds) {
      super(message, null, false, false);
      this.kind = kind;
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public GatewayError kind() {
      return kind;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
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

  /** Admits a launch of {@code id} for {@code req}; fails with {@link Refused} (or a Redis failure). */
  public Future<Permit> admit(HttpServerRequest req, WorkspaceId id) {
    long now = clock.millis();
    String user;
    String profileName = "";
    if (access != null) {
      Optional<Session> s = access.session(req, id, now);
      if (s.isEmpty()) {
        return Future.failedFuture(new Refused(GatewayError.UNAUTHENTICATED,
            "Open the workspace from your course page to start it.", 0));
      }
      user = s.get().user();
      profileName = s.get().profile();
    } else {
      user = "addr:" + clients.of(req);
    }
    Profile profile = config.profiles().get(profileName.isEmpty() ? config.defaultProfile() : profileName);
    if (profile == null) {
      return Future.failedFuture(new Refused(GatewayError.UNKNOWN_PROFILE, "This workspace asks for a kind of "
          + "workspace ('" + profileName + "') this gateway no longer offers. Tell your teacher.", 0));
    }
    long hold = config.launchTimeout().toMillis() * 2;
    return store.admitLaunch(user, id, now, hold, security.userConcurrentLaunches(),
        security.globalConcurrentLaunches(), security.userLaunchRate()).compose(r -> switch (r.admission()) {
          case ADMITTED -> Future.succeededFuture(permit(user, id, profile));
          case USER_BUSY -> refuse(id, user, new Refused(GatewayError.TOO_MANY_LAUNCHES, "You already have "
              + security.userConcurrentLaunches() + " workspace(s) starting. Wait until they are ready, then "
              + "try again.", 10));
          case USER_RATE -> refuse(id, user, new Refused(GatewayError.TOO_MANY_LAUNCHES, "You started many "
              + "workspaces in the last minute. Wait a moment, then try again.", Math.max(1, (r.retryAfterMs() + 999) / 1000)));
          case GLOBAL_BUSY -> refuse(id, user, new Refused(GatewayError.TOO_MANY_LAUNCHES, "Many workspaces are "
              + "starting right now. Yours will start if you try again in a few seconds.", 5));
        });
  }

  private static Future<Permit> refuse(WorkspaceId id, String user, Refused r) {
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

  /**
   * Sends the answer for a failed admission or launch if it is one of the guard's kinds (or the running cap's
   * {@link CapacityException}); false if {@code err} is something else for the caller to answer.
   */
  public static boolean answer(HttpServerRequest req, Throwable err) {
    if (err instanceof Refused r) {
      ErrorResponses.send(req, r.kind(), r.getMessage(), r.retryAfterSeconds());
      return true;
    }
    if (err instanceof CapacityException c) {
      ErrorResponses.send(req, GatewayError.AT_CAPACITY, c.getMessage(), c.retryAfterSeconds());
      return true;
    }
    return false;
  }
}
