package io.wsgate.activity;

import io.wsgate.config.Profile;

import java.util.function.LongSupplier;

/**
 * Activity accounting for one relayed WebSocket: counts whole messages (fragments add up), never pings,
 * pongs or closes, and drops what the profile's policy says is not activity (the workspace's direction,
 * tiny messages, keepalives). Lives on the connection's event loop; not thread-safe.
 */
public final class WebSocketActivity {

  private final ActivityMark mark;
  private final Profile.ActivityPolicy policy;
  private final LongSupplier clock;
  private final KeepaliveDetector fromClient = new KeepaliveDetector();
  private final KeepaliveDetector fromWorkspace = new KeepaliveDetector();
  private int clientPartial;
  private int workspacePartial;

  WebSocketActivity(ActivityMark mark, Profile.ActivityPolicy policy, LongSupplier clock) {
    this.mark = mark;
    this.policy = policy;
    this.clock = clock;
  }

  /** The relayed socket is open (a browser tab is attached): counted until {@link #closed()}. */
  public void opened() {
    mark.sockets.incrementAndGet();
    mark.socketsChanged = true;
  }

  /**
   * The relayed socket closed (the tab closed, or the network went away). Closing counts as the tab's last
   * activity, so a profile's closed-tab grace runs from here.
   */
  public void closed() {
    mark.sockets.decrementAndGet();
    mark.socketsChanged = true;
    mark.set(clock.getAsLong(), ActivitySource.WS_CLOSED, -1);
  }

  /** A data frame (text, binary or continuation) from the client. */
  public void clientFrame(int size, boolean fin) {
    clientPartial += size;
    if (fin) {
      message(clientPartial, fromClient, ActivitySource.WS_CLIENT);
      clientPartial = 0;
    }
  }

  /** A data frame from the workspace. */
  public void workspaceFrame(int size, boolean fin) {
    workspacePartial += size;
    if (fin) {
      mark.workspaceSpokeNanos = System.nanoTime();
      if (!mark.workspaceSpoke) {
        mark.workspaceSpoke = true; // once: a volatile read per message instead of a second write
      }
      if (policy.bothDirections()) {
        message(workspacePartial, fromWorkspace, ActivitySource.WS_WORKSPACE);
      }
      workspacePartial = 0;
    }
  }

  private void message(int size, KeepaliveDetector detector, ActivitySource source) {
    long now = clock.getAsLong();
    boolean keepalive = policy.detectKeepalives() && detector.isKeepalive(size, now);
    if (keepalive || size <= policy.minMessageBytes()) {
      return;
    }
    mark.set(now, source, size);
  }
}
