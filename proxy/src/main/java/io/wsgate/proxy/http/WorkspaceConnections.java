package io.wsgate.proxy.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.wsgate.workspace.Endpoint;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final long keepAliveNanos;
  private final Map<Endpoint, Pool> pools = new HashMap<>();
  private final ChannelGroup all;
  private boolean sweepArmed;

  private WorkspaceConnections(VertxInternal vertx, EventLoop loop, long connectTimeoutMs, long keepAliveMs) {
    this.loop = loop;
    this.keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveMs);
    this.all = new DefaultChannelGroup(loop);
    this.bootstrap = new Bootstrap().group(loop).channelFactory(vertx.transport().channelFactory(false))
        .resolver(vertx.nameResolver().nettyAddressResolverGroup())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMs));
  }

  /** The calling event loop's connections; for {@link PerEventLoop}. */
  static WorkspaceConnections onThisLoop(Vertx vertx, long connectTimeoutMs, long keepAliveMs) {
    ContextInternal ctx = ContextInternal.current();
    if (ctx == null || !ctx.inThread()) {
      throw new IllegalStateException("workspace connections are made on an event loop");
    }
    return new WorkspaceConnections((VertxInternal) vertx, ctx.nettyEventLoop(), connectTimeoutMs, keepAliveMs);
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
    Promise<Void> closed = Promise.promise();
    all.close().addListener(f -> closed.complete());
    return closed.future();
  }

  private void armSweep() {
    if (!sweepArmed) {
      sweepArmed = true;
      loop.schedule(this::sweep, Math.max(1, keepAliveNanos / 2), TimeUnit.NANOSECONDS);
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
      InetSocketAddress address;
      try {
        address = address(endpoint);
      } catch (UnknownHostException e) {
        connectFailed(then, e);
        return;
      }
      ChannelFuture connecting = bootstrap.clone().handler(conn).connect(address);
      all.add(connecting.channel());
      connecting.addListener(f -> {
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

  /** An IP literal as it is; a name through Vert.x's resolver, when the connection is made. */
  private static InetSocketAddress address(Endpoint endpoint) throws UnknownHostException {
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(endpoint.host());
    if (ip != null) {
      return new InetSocketAddress(InetAddress.getByAddress(ip), endpoint.port());
    }
    return InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port());
  }

  /** More requests wait for a workspace's connections than {@link #MAX_WAITING}. */
  static final class PoolFullException extends Exception {
    PoolFullException(Endpoint endpoint) {
      super(MAX_WAITING + " requests already wait for a connection to " + endpoint.host() + ":" + endpoint.port(),
          null, false, false);
    }
  }
}
