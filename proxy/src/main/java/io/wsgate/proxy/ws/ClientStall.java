package io.wsgate.proxy.ws;

/**
 * Whether a tunnel's client has stopped taking what it is sent: {@link #SWEEPS} keepalive sweeps in a row in which it
 * had bytes waiting for it and neither took any of them nor sent anything. The server's idle timeout, which left the
 * client's pipeline with the upgrade, cut such a client off after 120 s, as it counted only completed writes; this
 * does the same with two counters per tunnel instead of a listener on every write. A client whose socket buffer
 * still takes the pings is not stalled here: TCP's own timeouts end it if its host is gone. Used on the tunnel's
 * event loop only.
 */
final class ClientStall {

  /** Sweeps in a row (one per {@link WebSocketRelay#KEEPALIVE_MS}): 120 s, the server's idle timeout. */
  static final int SWEEPS = 4;

  private int reads;
  private long queued;
  private int readsAtSweep;
  private long takenAtSweep;
  private int stalledSweeps;

  /** The client sent something. */
  void read() {
    reads++;
  }

  /** {@code bytes} were written to the client. */
  void queued(int bytes) {
    queued += bytes;
  }

  /** Bytes the client's socket has taken so far, given those written to it and not taken yet. */
  long taken(long pending) {
    return queued - pending;
  }

  /** One sweep, with the bytes still waiting for the client: true once it is stalled. */
  boolean sweep(long pending) {
    long taken = taken(pending);
    boolean stalled = pending > 0 && reads == readsAtSweep && taken == takenAtSweep;
    readsAtSweep = reads;
    takenAtSweep = taken;
    stalledSweeps = stalled ? stalledSweeps + 1 : 0;
    return stalledSweeps >= SWEEPS;
  }
}
