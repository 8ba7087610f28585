package io.wsgate.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.Redis;
import redis.embedded.RedisInstance;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real redis-server process (the binary shipped in {@code com.github.codemonstur:embedded-redis}) on a free
 * loopback port, for when no Redis is configured. With a data directory it keeps an append-only file there,
 * so routes and sessions survive a gateway restart. Blocking: call from a worker thread or before Vert.x starts.
 *
 * <p>It stops when {@link #stop()} says so, not earlier: the library stops its servers from a JVM shutdown hook of
 * its own, which runs alongside the gateway's and used to take Redis away while the gateway was still stopping
 * its workspaces and recording that. For the same reason it runs in a session of its own where the system has
 * {@code setsid}: Ctrl-C in the gateway's terminal signals the whole foreground process group, and redis-server
 * would shut down at once while the gateway was still stopping; the gateway stops it last.
 */
public final class EmbeddedRedis implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);
  private static final Optional<String> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
      .filter(p -> Files.isExecutable(Path.of(p))).findFirst();

  private final OwnedRedis server;
  private final int port;

  private EmbeddedRedis(OwnedRedis server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts redis-server on 127.0.0.1.
   *
   * @param dataDir where to keep its append-only file, or null for a purely in-memory server
   */
  public static EmbeddedRedis start(Path dataDir) throws IOException {
    int port = freeLoopbackPort();
    var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
        .setting("protected-mode yes")
        .setting("save \"\"");
    if (dataDir != null) {
      Files.createDirectories(dataDir);
      builder.setting("dir " + dataDir.toAbsolutePath())
          .setting("appendonly yes")
          .setting("appendfsync everysec");
    } else {
      // a working directory of its own choosing: the library runs it in the directory of the first argument
      builder.setting("dir " + Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())
          .setting("appendonly no");
    }
    OwnedRedis server = new OwnedRedis(port, inOwnSession(builder.buildCommandArgs()),
        line -> log.debug("redis: {}", line), line -> log.warn("redis: {}", line));
    server.start();
    return new EmbeddedRedis(server, port);
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops redis-server (its data stays in the data directory). */
  public void stop() {
    try {
      server.stopNow();
    } catch (IOException e) {
      log.warn("could not stop embedded redis: {}", e.toString());
    }
  }

  /** Starts it again on the same port, e.g. after a test stopped it. */
  public void restart() throws IOException {
    server.start();
  }

  @Override
  public void close() {
    stop();
  }

  /** A redis-server that ignores every stop but its owner's (the library's shutdown hook calls {@code stop()}). */
  private static final class OwnedRedis extends RedisInstance {

    OwnedRedis(int port, List<String> args, Consumer<String> out, Consumer<String> err) {
      super(port, args, Redis.SERVER_READY_PATTERN, false, out, err);
    }

    @Override
    public synchronized void stop() {
      // only stopNow() stops it
    }

    synchronized void stopNow() throws IOException {
      super.stop();
    }
  }

  /**
   * {@code args} run through {@code setsid}, if the system has it. A child of the JVM never leads a process group,
   * so setsid execs redis-server in place: same process, which {@link OwnedRedis#stopNow()} stops as before.
   */
  static List<String> inOwnSession(List<String> args) {
    return SETSID.map(setsid -> Stream.concat(Stream.of(setsid), args.stream()).toList()).orElse(args);
  }

  static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
