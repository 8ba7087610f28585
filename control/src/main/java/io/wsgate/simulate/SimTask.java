package io.wsgate.simulate;

import io.vertx.core.Promise;
import io.wsgate.provider.ProvisionedWorkspace;

/** One simulated container, from launch to stop, with the virtual times the ledger bills. */
final class SimTask {

  final String ref;
  final String launchId;
  final String profile;
  final boolean pool;
  final long launchedAt;
  final long readyAt;
  /** Of the launching context, as a real provider's future is: the pool and launcher put a timeout on it. */
  final Promise<ProvisionedWorkspace> launched;
  final Promise<String> exit = Promise.promise();
  /** Completes when the pool's probe has passed (the provider is asked to confirm the endpoint) or the task stops. */
  final Promise<Void> probed = Promise.promise();
  String workspace;
  long assignedAt = -1;
  long stoppedAt = -1;
  long usedMillis;

  SimTask(String ref, String launchId, String profile, boolean pool, String workspace, long launchedAt, long readyAt,
          Promise<ProvisionedWorkspace> launched) {
    this.launched = launched;
    this.ref = ref;
    this.launchId = launchId;
    this.profile = profile;
    this.pool = pool;
    this.workspace = workspace;
    this.launchedAt = launchedAt;
    this.readyAt = readyAt;
  }

  /**
   * The task in a decision log: a pool member by the moment it was launched, a fresh launch by its workspace too.
   * Not the ref: which of the members launched in one tick a claim takes depends on their launch ids, random in the
   * pool as in production, so two equal runs may hand out twins in another order.
   */
  String label() {
    return pool ? "pool@" + launchedAt : "cold:" + workspace + "@" + launchedAt;
  }

  boolean stopped() {
    return stoppedAt >= 0;
  }
}
