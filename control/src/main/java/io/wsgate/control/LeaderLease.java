package io.wsgate.control;

import io.vertx.core.Future;
import io.wsgate.store.FleetStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/**
 * Which replica runs the control loop: a lease in Redis ({@code wsgate:leader}) whose value is a fencing token
 * ({@code <replica>:<epoch>}, the epoch only ever grows). Every leader action in Redis checks the token first,
 * so an old leader that was paused or cut off cannot act once another has taken over.
 */
public final class LeaderLease {

  private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);

  private final FleetStore fleet;
  private final String replica;
  private final long leaseMs;
  private volatile String token;
  private volatile boolean released;

  public LeaderLease(FleetStore fleet, String replica, Duration lease) {
    this.fleet = fleet;
    this.replica = replica;
    this.leaseMs = lease.toMillis();
  }

  /** Renews the lease or tries to take it; completes with whether this replica leads now. */
  public Future<Boolean> tick() {
    if (released) {
      return Future.succeededFuture(false);
    }
    String current = token;
    if (current == null) {
      return acquire();
    }
    return fleet.renewLease(current, leaseMs).compose(renewed -> {
      if (renewed) {
        return Future.succeededFuture(!released);
      }
      if (released) {
        return Future.succeededFuture(false);
      }
      log.warn("replica {} lost the control lease ({})", replica, current);
      token = null;
      return acquire();
    }).recover(err -> {
      token = null;
      return Future.failedFuture(err);
    });
  }

  private Future<Boolean> acquire() {
    return fleet.acquireLease(replica, leaseMs).compose(got -> {
      if (got.isPresent() && released) {
        // released while this acquire was on its way: hand the lease straight back
        return fleet.releaseLease(got.get()).map(false);
      }
      got.ifPresent(t -> log.info("replica {} leads the control loop (fencing token {})", replica, t));
      token = got.orElse(null);
      return Future.succeededFuture(got.isPresent());
    });
  }

  public boolean isLeader() {
    return token != null;
  }

  /** The fencing token to pass with every leader action. */
  public Optional<String> fence() {
    return Optional.ofNullable(token);
  }

  /**
   * Gives the lease up for good (on shutdown), so another replica takes over at once. A tick still on its way
   * cannot take it back: without this, a replica stopping mid-tick could lead again, dead, for the lease time.
   */
  public Future<Void> release() {
    released = true;
    String current = token;
    token = null;
    return current == null ? Future.succeededFuture() : fleet.releaseLease(current);
  }
}
