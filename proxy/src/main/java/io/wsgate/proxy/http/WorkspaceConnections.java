package io.wsgate.proxy.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.wsgate.workspace.Endpoint;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive connections of one event loop to the workspaces, as Netty channels on that loop: per endpoint at
 * most {@link #MAX_PER_ENDPOINT} open, the most recently used idle one lent first, and up to {@link #MAX_WAITING}
 * requests waiting for one beyond that. An idle connection is closed after {@code keepAliveTimeout}, or at once when
 * the workspace closes it. Used only on its event loop ({@link PerEventLoop}), but {@link #close} from any thread.
 */
final class WorkspaceConnections {

  static final int MAX_PER_ENDPOINT = 64;
  static final int MAX_WAITING = 1024;

  private final WorkspaceDialer dialer;
  private final long keepAliveNanos;
  private final Map<Endpoint, Pool> pools = new HashMap<>();
  private boolean sweepArmed;

  private WorkspaceConnections(WorkspaceDialer dialer, long keepAliveMs) {
    this.dialer = dialer;
    this.keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveMs);
  }

  /** The calling event loop's connections; for {@link PerEventLoop}. */
  static WorkspaceConnections onThisLoop(Vertx vertx, long connectTimeoutMs, long keepAliveMs) {
    return new WorkspaceConnections(WorkspaceDialer.onThisLoop(vertx, connectTimeoutMs), keepAliveMs);
  }

  /** Lends a connection to {@code endpoint}: an idle one, a new one, or the next one given back. */
  void acquire(Endpoint endpoint, Handler<AsyncResult<WorkspaceConnection>> then) {
    pools.computeIfAbsent(endpoint, Pool::new).acquire(then);
  }

  /** Lends a new connection to {@code endpoint}, for a request that an idle one failed before any answer. */
  void fresh(Endpoint endpoint, Handler<AsyncResult<WorkspaceConnection>> then) {
    pools.computeIfAbsent(endpoint, Pool::new).open(then);
  }

  /** Closes every connection, lent or idle. */
  Future<Void> close() {
    return dialer.close();
  }

  private void armSweep() {
    if (!sweepArmed) {
      sweepArmed = true;
      dialer.loop().schedule(this::sweep, Math.max(1, keepAliveNanos / 2), TimeUnit.NANOSECONDS);
    }
  }

  /** Closes connections idle longer than the keep-alive timeout, and forgets endpoints with none. */
  private void sweep() {
    sweepArmed = false;
    long now = System.nanoTime();
    boolean anyIdle = false;
    for (Iterator<Pool> it = pools.values().iterator(); it.hasNext(); ) {
      Pool pool = it.next();
      for (WorkspaceConnection c : pool.idle.toArray(new WorkspaceConnection[0])) {
        if (now - c.idleSinceNanos >= keepAliveNanos) {
          pool.idle.remove(c);
          c.closeIdle();
        }
      }
      anyIdle |= !pool.idle.isEmpty();
      if (pool.open == 0 && pool.waiting.isEmpty()) {
        it.remove();
      }
    }
    if (anyIdle) {
      armSweep();
    }
  }

  /** The connections to one endpoint. */
  final class Pool {

    private final Endpoint endpoint;
    private final ArrayDeque<WorkspaceConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Handler<AsyncResult<WorkspaceConnection>>> waiting = new ArrayDeque<>();
    /** Connections open or being opened. */
    private int open;

    Pool(Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    void acquire(Handler<AsyncResult<WorkspaceConnection>> then) {
      WorkspaceConnection c;
      while ((c = idle.pollLast()) != null) {
        if (c.isOpen()) {
          then.handle(Future.succeededFuture(c));
          return;
        }
      }
      if (open < MAX_PER_ENDPOINT) {
        open(then);
      } else if (waiting.size() < MAX_WAITING) {
        waiting.addLast(then);
      } else {
        then.handle(Future.failedFuture(new PoolFullException(endpoint)));
      }
    }

    void open(Handler<AsyncResult<WorkspaceConnection>> then) {
      open++;
      WorkspaceConnection conn = new WorkspaceConnection(this);
      dialer.connect(endpoint, conn).addListener(f -> {
        if (f.isSuccess()) {
          then.handle(Future.succeededFuture(conn));
        } else {
          connectFailed(then, f.cause());
        }
      });
    }

    private void connectFailed(Handler<AsyncResult<WorkspaceConnection>> then, Throwable cause) {
      open--;
      then.handle(Future.failedFuture(cause));
      next();
    }

    /** {@code c} finished a request cleanly and may carry another. */
    void release(WorkspaceConnection c) {
      Handler<AsyncResult<WorkspaceConnection>> w = waiting.pollFirst();
      if (w != null) {
        w.handle(Future.succeededFuture(c));
        return;
      }
      c.idleSinceNanos = System.nanoTime();
      idle.addLast(c);
      armSweep();
    }

    /** {@code c}'s channel closed. */
    void closed(WorkspaceConnection c) {
      idle.remove(c);
      open--;
      next();
    }

    /** A connection's place came free: the first waiting request gets a new one. */
    private void next() {
      if (!waiting.isEmpty() && open < MAX_PER_ENDPOINT) {
        open(waiting.pollFirst());
      }
    }
  }

  /** More requests wait for a workspace's connections than {@link #MAX_WAITING}. */
  static final class PoolFullException extends Exception {
    PoolFullException(Endpoint endpoint) {
      super(MAX_WAITING + " requests already wait for a connection to " + endpoint.host() + ":" + endpoint.port(),
          null, false, false);
    }
  }
}
