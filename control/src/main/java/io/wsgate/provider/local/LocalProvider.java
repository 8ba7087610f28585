package io.wsgate.provider.local;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.wsgate.auth.AssignSignature;
import io.wsgate.config.GatewayConfig;
import io.wsgate.provider.LaunchRequest;
import io.wsgate.provider.ProviderException;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.provider.StopReason;
import io.wsgate.provider.WorkspaceProvider;
import io.wsgate.workspace.Endpoint;
import io.wsgate.workspace.WorkspaceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs each workspace as a real OS process on a free loopback port, with a data directory per workspace
 * under {@code dataDir} that outlives the process (the local stand-in for EFS). Stops with SIGTERM, then
 * SIGKILL after the grace period. A registry on disk lets a restarted gateway find its processes.
 * Process launch and file I/O run on worker threads.
 *
 * <p>A port is only known free when it is picked; the workspace binds it later (seconds later for a JVM on a
 * busy machine). Two guards keep a student from ever being routed to somebody else's port: a port stays
 * reserved while a workspace holds or may still bind it, so no two launches get the same one, and once the
 * port answers, {@link #confirmEndpoint} checks that the workspace's own process tree listens there.
 */
public final class LocalProvider implements WorkspaceProvider {

  private static final Logger log = LoggerFactory.getLogger(LocalProvider.class);
  private static final String HOST = "127.0.0.1";

  private final Vertx vertx;
  private final Path dataDir;
  private final Path logDir;
  private final Path poolDir;
  private final long graceMs;
  private final ProcessRegistry registry;
  private final Map<String, String> placeholders;
  private final PortSource ports;
  /** Ports of the workspaces this provider runs or is starting. */
  private final Set<Integer> reservedPorts = ConcurrentHashMap.newKeySet();
  /** One exit watch per process, however many times it is listed. */
  private final Map<String, Future<String>> exits = new ConcurrentHashMap<>();

  /** Where candidate ports come from: the kernel (bind to port 0) in production. */
  @FunctionalInterface
  public interface PortSource {
    int next() throws IOException;
  }

  /** Free loopback ports from the kernel: bind port 0, note the port, close. */
  public static final PortSource KERNEL_PORTS = LocalProvider::kernelPort;

  public LocalProvider(Vertx vertx, GatewayConfig config) {
    this(vertx, config, KERNEL_PORTS);
  }

  public LocalProvider(Vertx vertx, GatewayConfig config, PortSource ports) {
    this.vertx = vertx;
    this.ports = ports;
    this.dataDir = config.dataDir();
    this.logDir = config.stateDir().resolve("logs");
    this.poolDir = config.stateDir().resolve("pool");
    this.graceMs = config.stopGrace().toMillis();
    this.registry = new ProcessRegistry(config.stateDir().resolve("processes"));
    this.placeholders = Map.of("java", javaCommand(), "classpath", absoluteClasspath());
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Future<Void> verify() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(dataDir);
      Files.createDirectories(logDir);
      return null;
    });
  }

  @Override
  public Future<ProvisionedWorkspace> launch(LaunchRequest request) {
    Context ctx = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> start(request), false)
        .map(started -> provisioned(ctx, started.entry(), started.process().toHandle()));
  }

  private record Started(ProcessRegistry.Entry entry, Process process) {
  }

  private Started start(LaunchRequest request) throws IOException {
    String id = request.workspace().value();
    // a warm pool member has no workspace yet: it gets scratch space until it is assigned
    Path dir = request.pool() ? poolDir.resolve(id) : dataDir.resolve(id);
    Files.createDirectories(dir);
    Files.createDirectories(logDir);
    int port = reservePort();
    try {
      return start(request, id, dir, port);
    } catch (IOException | RuntimeException e) {
      reservedPorts.remove(port);
      throw e;
    }
  }

  private Started start(LaunchRequest request, String id, Path dir, int port) throws IOException {
    List<String> args;
    try {
      args = CommandTemplate.parse(request.profile().command()).render(Map.of(
          "port", Integer.toString(port), "id", id, "dir", dir.toString(),
          "java", placeholders.get("java"), "classpath", placeholders.get("classpath")));
    } catch (IllegalArgumentException e) {
      throw new ProviderException("profile '" + request.profile().name() + "' has a bad command: " + e.getMessage());
    }
    ProcessBuilder pb = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(id).toFile()));
    // the gateway's own settings (Redis password, secrets) never reach a workspace
    pb.environment().keySet().removeIf(k -> k.startsWith("WSGATE_"));
    pb.environment().put("WSGATE_WORKSPACE_ID", request.pool() ? "" : id);
    pb.environment().put("WSGATE_DATA_DIR", dir.toString());
    pb.environment().put("PORT", Integer.toString(port));
    if (request.assignSecret() != null) {
      pb.environment().put(AssignSignature.SECRET_ENV, request.assignSecret());
    }
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new ProviderException("could not start '" + args.get(0) + "' for profile '"
          + request.profile().name() + "': " + e.getMessage(), e);
    }
    long start = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    var entry = new ProcessRegistry.Entry(request.launchId(), process.pid(), start, request.pool() ? "" : id,
        request.profile().name(), request.launchId(), HOST, port);
    registry.write(entry);
    log.info("workspace {}: started pid {} on {}:{} ({})", id, process.pid(), HOST, port, request.profile().name());
    return new Started(entry, process);
  }

  private ProvisionedWorkspace provisioned(Context ctx, ProcessRegistry.Entry e, ProcessHandle handle) {
    Future<String> terminated = Future.fromCompletionStage(exitOf(e, handle).toCompletionStage(), ctx);
    return new ProvisionedWorkspace(e.ref(), e.workspaceId(), e.profile(), e.launchId(),
        new Endpoint(e.host(), e.port()), terminated);
  }

  /**
   * Completes with the exit message when the process ends, after it left the registry and gave back its port.
   * Made once per process: reconcile lists every process every minute, and each listing must not add another
   * registry write and log read for when the process ends.
   */
  private Future<String> exitOf(ProcessRegistry.Entry e, ProcessHandle handle) {
    return exits.computeIfAbsent(e.ref(), ref -> {
      reservedPorts.add(e.port()); // a process adopted after a restart keeps its port too
      Promise<String> exited = Promise.promise();
      handle.onExit().whenComplete((h, err) -> vertx.executeBlocking(() -> {
        registry.remove(ref);
        return exitMessage(e);
      }, false).onComplete(ar -> {
        exits.remove(ref);
        reservedPorts.remove(e.port());
        exited.handle(ar);
      }));
      return exited.future();
    });
  }

  /**
   * Another program can hold the port a workspace was given (taken between the pick and the workspace's bind):
   * the workspace then fails to bind while the readiness probe gets the other program's answer. On Linux the
   * port must be one the workspace's own process tree listens on; elsewhere this cannot be checked.
   */
  @Override
  public Future<Void> confirmEndpoint(ProvisionedWorkspace w) {
    return vertx.executeBlocking(() -> {
      Optional<ProcessRegistry.Entry> e = registry.read(w.ref());
      if (e.isEmpty()) {
        throw new ProviderException("the workspace process exited");
      }
      Optional<Boolean> owned = ListeningSockets.ownedBy(e.get().pid(), e.get().port());
      if (owned.isPresent() && !owned.get()) {
        String who = w.workspaceId().isEmpty() ? "the warm workspace" : "workspace " + w.workspaceId();
        throw new ProviderException("port " + e.get().port() + " answered, but not from " + who
            + " (pid " + e.get().pid() + "): another program listens there");
      }
      return null;
    }, false);
  }

  private String exitMessage(ProcessRegistry.Entry e) {
    String tail = "";
    try {
      List<String> lines = Files.readAllLines(logFile(e.workspaceId().isEmpty() ? LaunchRequest.placeholder(e.launchId()) : e.workspaceId()));
      tail = lines.stream().skip(Math.max(0, lines.size() - 3)).collect(Collectors.joining(" | "));
    } catch (IOException | RuntimeException ignored) {
      // the message stays useful without the log tail
    }
    if (tail.length() > 400) {
      tail = "..." + tail.substring(tail.length() - 400);
    }
    return "the workspace process (pid " + e.pid() + ") exited" + (tail.isBlank() ? "" : ": " + tail);
  }

  @Override
  public Future<Void> assign(String ref, WorkspaceId id, String profile) {
    return vertx.executeBlocking(() -> {
      ProcessRegistry.Entry e = registry.read(ref)
          .orElseThrow(() -> new ProviderException("warm workspace " + ref + " is gone"));
      Files.createDirectories(dataDir.resolve(id.value()));
      registry.write(new ProcessRegistry.Entry(e.ref(), e.pid(), e.startMillis(), id.value(), e.profile(), e.launchId(),
          e.host(), e.port()));
      return null;
    }, false);
  }

  @Override
  public Future<Void> stop(String ref, StopReason reason) {
    Context ctx = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> alive(ref), false).compose(found -> {
      if (found.isEmpty()) {
        return vertx.executeBlocking(() -> {
          registry.remove(ref);
          return null;
        });
      }
      ProcessHandle handle = found.get();
      List<ProcessHandle> tree = handle.descendants().toList();
      log.info("stopping pid {} ({}): SIGTERM", handle.pid(), reason.tag());
      handle.destroy();
      return Future.fromCompletionStage(handle.onExit(), ctx)
          .timeout(graceMs, TimeUnit.MILLISECONDS)
          .recover(timeout -> {
            log.warn("pid {} ignored SIGTERM for {} ms: SIGKILL", handle.pid(), graceMs);
            handle.destroyForcibly();
            return Future.fromCompletionStage(handle.onExit(), ctx).timeout(graceMs, TimeUnit.MILLISECONDS);
          })
          .compose(h -> vertx.executeBlocking(() -> {
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            registry.remove(ref);
            return null;
          }, false));
    }).mapEmpty();
  }

  @Override
  public Future<List<ProvisionedWorkspace>> list() {
    Context ctx = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> {
      List<ProvisionedWorkspace> out = new ArrayList<>();
      for (ProcessRegistry.Entry e : registry.all()) {
        Optional<ProcessHandle> h = handleOf(e);
        if (h.isPresent()) {
          out.add(provisioned(ctx, e, h.get()));
        } else {
          registry.remove(e.ref());
        }
      }
      return out;
    }, false);
  }

  private Optional<ProcessHandle> alive(String ref) throws IOException {
    Optional<ProcessRegistry.Entry> e = registry.read(ref);
    return e.isEmpty() ? Optional.empty() : handleOf(e.get());
  }

  /** The live process of an entry; empty if it exited or its pid now belongs to another process. */
  private static Optional<ProcessHandle> handleOf(ProcessRegistry.Entry e) {
    return ProcessHandle.of(e.pid()).filter(ProcessHandle::isAlive).filter(h -> e.startMillis() == 0
        || h.info().startInstant().map(Instant::toEpochMilli).orElse(e.startMillis()) == e.startMillis());
  }

  private Path logFile(String id) {
    return logDir.resolve(id + ".log");
  }

  /** A port no workspace of this provider holds or is about to bind. */
  private int reservePort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ports.next();
      if (reservedPorts.add(port)) {
        return port;
      }
    }
    throw new ProviderException("no free loopback port in 100 attempts (" + reservedPorts.size()
        + " held by workspaces)");
  }

  private static int kernelPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  private static String javaCommand() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static String absoluteClasspath() {
    return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(p -> Path.of(p).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }
}
