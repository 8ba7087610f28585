package io.wsgate.proxy.edge;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.wsgate.config.SecurityConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts {@link StrictRequestDecoder} on every new HTTP/1 connection, and {@link IdleWatch} in place of the idle
 * timeout handler Vert.x put there. Vert.x 5 has no public hook into the pipeline, so this reaches into
 * {@code Http1xServerConnection} (io.vertx.core.http.impl); if a Vert.x upgrade changes that, the gateway logs an
 * error and serves with Netty's own checks (and Vert.x's idle timeout) only, and the edge tests fail.
 */
final class EdgeConnections {

  private static final Logger log = LoggerFactory.getLogger(EdgeConnections.class);
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private final HttpServerOptions options;
  private final HeadScanner.Limits limits;
  private final long headTimeoutMs;
  private final long bodyIdleMs;

  EdgeConnections(HttpServerOptions options, SecurityConfig security) {
    this.options = new HttpServerOptions(options);
    this.limits = new HeadScanner.Limits(security.maxRequestLine(), security.maxHeaderSize(), security.maxHeaders());
    this.headTimeoutMs = security.headerTimeout().toMillis();
    this.bodyIdleMs = security.bodyIdleTimeout().toMillis();
  }

  void onConnection(HttpConnection conn) {
    if (conn instanceof Http1xServerConnection http1) {
      ChannelPipeline pipeline = http1.channelHandlerContext().pipeline();
      if (pipeline.get("httpDecoder") instanceof VertxHttpRequestDecoder) {
        StrictRequestDecoder decoder = new StrictRequestDecoder(options, limits, headTimeoutMs, bodyIdleMs);
        pipeline.replace("httpDecoder", "httpDecoder", decoder);
        if (pipeline.get("httpEncoder") != null) {
          pipeline.addAfter("httpEncoder", "wsgateResponseWatch", decoder.responseWatch());
        }
        if (pipeline.get("idle") instanceof IdleStateHandler idle && idle.getAllIdleTimeInMillis() > 0
            && idle.getReaderIdleTimeInMillis() == 0 && idle.getWriterIdleTimeInMillis() == 0) {
          pipeline.replace(idle, "idle", new IdleWatch(TimeUnit.MILLISECONDS.toNanos(idle.getAllIdleTimeInMillis())));
        }
        return;
      }
    }
    if (WARNED.compareAndSet(false, true)) {
      log.error("cannot install the strict HTTP request decoder on {} (Vert.x internals changed?); "
          + "serving with Netty's checks only", conn.getClass().getName());
    }
  }
}
