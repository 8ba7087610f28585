package io.wsgate.activity;

import io.vertx.core.Future;
import io.wsgate.config.Profile;
import io.wsgate.store.ActivityStore;
import io.wsgate.workspace.WorkspaceId;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Every replica's record of which workspaces saw traffic: the proxy marks a workspace on each request and
 * WebSocket message (an in-memory store, nothing else), and {@link #flush()} writes what changed since the
 * last flush to Redis in one pipelined batch, so Redis writes grow with active workspaces, not with traffic.
 */
public final class ActivityTracker {

  private final Map<WorkspaceId, ActivityMark> marks = new ConcurrentHashMap<>();
  private final ActivityStore store;
  private final LongSupplier clock;
  /** This replica's name in the open-tab counts (each replica writes its own count; the reaper adds them up). */
  private final String replica = java.util.UUID.randomUUID().toString().substring(0, 8);

  public ActivityTracker(ActivityStore store, LongSupplier clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The mark of {@code id}; hold on to it per route or connection to skip the map lookup. */
  public ActivityMark mark(WorkspaceId id) {
    return marks.computeIfAbsent(id, k -> new ActivityMark());
  }

  /** Records HTTP traffic (request from the client, or response from the workspace if the policy counts it). */
  public void http(ActivityMark mark, ActivitySource source, long bytes, Profile.ActivityPolicy policy) {
    if (source.fromClient() || policy.bothDirections()) {
      mark.set(clock.getAsLong(), source, bytes);
    }
  }

  /** Activity accounting for a new relayed WebSocket of {@code id}. */
  public WebSocketActivity webSocket(WorkspaceId id, Profile.ActivityPolicy policy) {
    return new WebSocketActivity(mark(id), policy, clock);
  }

  /**
   * Whether workspace {@code id} sent a whole WebSocket message through this replica within {@code window}: a
   * workspace that still talks over its open sockets is alive, whatever its port does to new connections.
   */
  public boolean workspaceSpokeWithin(WorkspaceId id, java.time.Duration window) {
    ActivityMark mark = marks.get(id);
    return mark != null && mark.workspaceSpoke && System.nanoTime() - mark.workspaceSpokeNanos <= window.toNanos();
  }

  /** Forgets a stopped workspace. */
  public void forget(WorkspaceId id) {
    marks.remove(id);
  }

  /** Writes every mark that changed since the last flush; completes with how many were written. */
  public Future<Integer> flush() {
    Map<String, Long> times = new LinkedHashMap<>();
    Map<String, String> reasons = new LinkedHashMap<>();
    Map<String, Integer> tabs = new LinkedHashMap<>();
    java.util.List<ActivityMark> written = new java.util.ArrayList<>();
    java.util.List<ActivityMark> counted = new java.util.ArrayList<>();
    for (Map.Entry<WorkspaceId, ActivityMark> e : marks.entrySet()) {
      ActivityMark m = e.getValue();
      if (m.socketsChanged) {
        m.socketsChanged = false;
        counted.add(m);
        tabs.put(e.getKey().value(), Math.max(0, m.sockets.get()));
      }
      long last = m.lastMillis;
      if (last > m.flushedMillis) {
        m.flushedMillis = last;
        written.add(m);
        times.put(e.getKey().value(), last);
        reasons.put(e.getKey().value(), m.reason());
      }
    }
    if (times.isEmpty() && tabs.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return store.write(times, reasons, tabs, replica)
        .onFailure(err -> {
          written.forEach(m -> m.flushedMillis = 0); // retried with the next flush
          counted.forEach(m -> m.socketsChanged = true);
        })
        .map(times.size());
  }
}
