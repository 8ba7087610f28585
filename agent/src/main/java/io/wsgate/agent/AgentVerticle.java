package io.wsgate.agent;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.wsgate.agent.AgentSettings.Assignment;
import io.wsgate.auth.AssignSignature;
import io.wsgate.demo.BoundedBody;
import io.wsgate.time.Deadline;
import io.wsgate.time.Stopwatch;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The workspace agent: warm, it answers the readiness path and the assign hook on the workspace's port; assigned (by
 * the gateway's signed request, or at start for a cold launch) it prepares the workspace's directory, starts the IDE
 * as the workspace's user on that same port and is ready when the IDE answers its readiness path. Warm and cold run
 * the same {@link #serve} path.
 *
 * <p>The IDE serves students on the routed port itself, with no hop through the agent: on an assignment the agent
 * stops listening (the assign request's own connection stays open, see {@link HttpServer#shutdown}), the IDE binds
 * the port, and the agent answers the held request once the IDE is ready. From then on the agent only supervises:
 * when the IDE exits, the agent exits with its code, so the provider sees the workspace end.
 */
public final class AgentVerticle extends VerticleBase {

  /** Largest assign body: {@code {"workspace","dataDir"}} is well under this. */
  static final int MAX_ASSIGN_BYTES = 4096;
  private static final long FIRST_PROBE_MS = 20;
  private static final long MAX_PROBE_MS = 250;

  enum State { WARM, ASSIGNING, SERVING, STOPPING, FAILED }

  private final AgentSettings settings;
  private final UserSwitch users;
  private final IntConsumer exit;
  private volatile State state = State.WARM;
  private volatile Assignment serving;
  private volatile IdeProcess ide;
  private HttpServer warm;
  private HttpClient probes;

  /**
   * @param exit called (once, on another thread) with the agent's exit code when the IDE exits by itself or cannot
   *             be started for an assignment; {@code System::exit} in production
   */
  public AgentVerticle(AgentSettings settings, UserSwitch users, IntConsumer exit) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.users = Objects.requireNonNull(users, "users");
    this.exit = Objects.requireNonNull(exit, "exit");
  }

  @Override
  public Future<?> start() {
    probes = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(1_000));
    if (settings.cold().isPresent()) {
      state = State.ASSIGNING;
      return serve(settings.cold().get());
    }
    Prefetch.start(vertx, settings.prefetch());
    return vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()).setPort(settings.port()))
        .requestHandler(this::handle).listen()
        .onSuccess(s -> {
          warm = s;
          System.out.printf("agent: warm on %s:%d (%s), waiting for an assignment%n", settings.host(), s.actualPort(),
              settings.ideName());
        });
  }

  /** What the agent is doing. */
  State state() {
    return state;
  }

  /** The IDE's pid once started, for tests and logs; -1 before. */
  public long idePid() {
    IdeProcess p = ide;
    return p == null ? -1 : p.pid();
  }

  /**
   * Stops the IDE (SIGTERM, the grace, SIGKILL) and waits for it. Blocking: called from the shutdown hook.
   */
  public void stopIde() throws InterruptedException {
    state = State.STOPPING; // an IDE stopped on purpose does not make the agent exit on its own
    IdeProcess p = ide;
    if (p != null) {
      boolean clean = p.stop(settings.stopGrace());
      System.out.println("agent: IDE (pid " + p.pid() + ") stopped" + (clean ? "" : " with SIGKILL after "
          + settings.stopGrace().toMillis() + " ms"));
    }
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.equals(settings.assignPath())) {
      assign(req);
    } else if (path.equals(settings.readinessPath()) && (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD)) {
      text(req, state == State.WARM ? 200 : 503, state == State.WARM ? "warm" : "assigning");
    } else {
      text(req, 404, "warm workspace: not assigned yet");
    }
  }

  private void assign(HttpServerRequest req) {
    if (req.method() != HttpMethod.POST) {
      req.response().putHeader(HttpHeaders.ALLOW, "POST");
      text(req, 405, "POST only");
      return;
    }
    if (state != State.WARM) {
      text(req, 409, refusal());
      return;
    }
    String timestamp = req.getHeader(AssignSignature.TIMESTAMP_HEADER);
    String signature = req.getHeader(AssignSignature.SIGNATURE_HEADER);
    BoundedBody.read(req, MAX_ASSIGN_BYTES)
        .onFailure(err -> text(req, err instanceof BoundedBody.TooLargeException ? 413 : 400,
            "bad assignment: " + err.getMessage()))
        .onSuccess(body -> {
          if (settings.assignSecret() == null) {
            text(req, 401, "assignment refused: this agent has no " + AssignSignature.SECRET_ENV);
            return;
          }
          // the wall clock on purpose: the gateway stamped the assignment in another process, on its own wall clock
          var problem = AssignSignature.problem(settings.assignSecret(), req.method().name(), req.uri(), timestamp,
              signature, body.getBytes(), System.currentTimeMillis() / 1000);
          if (problem.isPresent()) {
            text(req, 401, "assignment refused: " + problem.get());
            return;
          }
          Assignment a;
          try {
            a = parse(body);
          } catch (IllegalArgumentException e) {
            text(req, 400, "bad assignment: " + e.getMessage());
            return;
          }
          if (state != State.WARM) {
            text(req, 409, refusal());
            return;
          }
          state = State.ASSIGNING;
          warm.shutdown(settings.readyTimeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
          vertx.executeBlocking(() -> awaitPortReleased(), false)
              .compose(v -> serve(a))
              .onSuccess(v -> text(req, 200, "serving " + a.workspace().value()))
              .onFailure(err -> text(req, 502, "the IDE did not start: " + err.getMessage())
                  .onComplete(sent -> failed(err)));
        });
  }

  private String refusal() {
    Assignment a = serving;
    return state == State.ASSIGNING || a == null ? "an assignment is in progress" : "already serving " + a.workspace().value();
  }

  private static Assignment parse(Buffer body) {
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Object ws = json.getValue("workspace");
    Object dir = json.getValue("dataDir");
    if (!(ws instanceof String) || !(dir instanceof String) || json.size() != 2) {
      throw new IllegalArgumentException("expected exactly {\"workspace\": string, \"dataDir\": string}");
    }
    return Assignment.of((String) ws, (String) dir);
  }

  /**
   * The one path of warm and cold: directory, IDE, readiness. Fails if any step fails or the IDE exits first.
   */
  private Future<Void> serve(Assignment a) {
    serving = a;
    Stopwatch took = Stopwatch.start();
    Deadline deadline = Deadline.after(settings.readyTimeout());
    long[] marks = new long[2];
    return vertx.executeBlocking(() -> prepare(a), false)
        .compose(uid -> {
          marks[0] = took.elapsedMillis();
          return vertx.executeBlocking(() -> launch(a, uid), false);
        })
        .compose(p -> {
          ide = p;
          marks[1] = took.elapsedMillis();
          Future<Integer> exited = Future.fromCompletionStage(p.exited(), vertx.getOrCreateContext());
          exited.onSuccess(code -> {
            if (state == State.SERVING) {
              System.out.println("agent: the IDE exited with " + code + "; the agent exits with it");
              exitLater(code == 0 ? 0 : code);
            }
          });
          return awaitReady(deadline, exited);
        })
        .onSuccess(v -> {
          state = State.SERVING;
          System.out.printf("agent: workspace %s ready in %d ms (directory %d ms, IDE started %d ms, answered %d ms), "
                  + "IDE pid %d%n", a.workspace().value(), took.elapsedMillis(), marks[0], marks[1] - marks[0],
              took.elapsedMillis() - marks[1], idePid());
        });
  }

  /** The workspace's directory, its user's alone; returns the uid the IDE runs as (-1: the agent's own). */
  private long prepare(Assignment a) throws IOException {
    if (!users.available()) {
      java.nio.file.Files.createDirectories(a.dir());
      return -1;
    }
    long uid = WorkspaceUser.claim(a.dir().getParent(), a.workspace());
    if (WorkspaceDirs.prepare(a.dir(), uid)) {
      System.out.println("agent: handed " + a.dir() + " over to uid " + uid + " (it had another owner)");
    }
    return uid;
  }

  private IdeProcess launch(Assignment a, long uid) throws IOException {
    Map<String, String> values = Map.of("port", Integer.toString(settings.port()), "host", settings.host(),
        "id", a.workspace().value(), "dir", a.dir().toString(), "java", javaCommand(), "classpath", classpath());
    List<String> argv = settings.command().render(values);
    Map<String, String> vars = new HashMap<>();
    vars.put("WSGATE_WORKSPACE_ID", a.workspace().value());
    vars.put("WSGATE_DATA_DIR", a.dir().toString());
    vars.put("WSGATE_BIND_HOST", settings.host());
    vars.put("PORT", Integer.toString(settings.port()));
    vars.put("HOME", a.dir().toString());
    vars.put("USER", a.workspace().value());
    vars.put("LOGNAME", a.workspace().value());
    // the workspace's user has no passwd entry: without SHELL, code-server's terminals would open a bare sh
    vars.put("SHELL", settings.shell().toString());
    IdeProcess p = IdeProcess.start(uid < 0 ? argv : users.wrap(uid, argv), a.dir(), vars);
    System.out.println("agent: workspace " + a.workspace().value() + ": started " + argv.get(0) + " (pid " + p.pid()
        + ")" + (uid < 0 ? " as the agent's own user" : " as uid " + uid));
    return p;
  }

  private Future<Void> awaitReady(Deadline deadline, Future<Integer> exited) {
    Promise<Void> ready = Promise.promise();
    exited.onSuccess(code -> ready.tryFail("the IDE exited with " + code + " before it answered "
        + settings.readinessPath()));
    probe(deadline, ready, FIRST_PROBE_MS);
    return ready.future();
  }

  private void probe(Deadline deadline, Promise<Void> ready, long interval) {
    if (ready.future().isComplete()) {
      return;
    }
    if (deadline.passed()) {
      ready.tryFail("the IDE did not answer " + settings.readinessPath() + " within " + settings.readyTimeout().toMillis()
          + " ms");
      return;
    }
    String host = settings.host().equals("0.0.0.0") || settings.host().equals("::") ? "127.0.0.1" : settings.host();
    probes.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(settings.port())
            .setURI(settings.readinessPath()).setIdleTimeout(5_000))
        .compose(r -> r.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() < 500) {
            ready.tryComplete();
          } else {
            vertx.setTimer(interval, t -> probe(deadline, ready, Math.min(MAX_PROBE_MS, interval * 2)));
          }
        });
  }

  /** The warm server's socket closes on the event loop; the IDE can bind only after it has. */
  private Void awaitPortReleased() throws IOException, InterruptedException {
    Deadline deadline = Deadline.after(java.time.Duration.ofSeconds(5));
    while (true) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(settings.host()), settings.port()));
        return null;
      } catch (java.net.BindException e) {
        if (deadline.passed()) {
          throw new IOException("port " + settings.port() + " still taken 5 s after the warm server stopped");
        }
        Thread.sleep(5);
      }
    }
  }

  private void failed(Throwable err) {
    state = State.FAILED;
    System.err.println("agent: " + err.getMessage() + "; exiting");
    exitLater(1);
  }

  /** Exits from another thread: the shutdown hook stops the IDE and waits for this event loop. */
  private void exitLater(int code) {
    new Thread(() -> exit.accept(code), "agent-exit").start();
  }

  /**
   * Every answer of the agent closes its connection: a client's pooled connection to the agent must never outlive
   * the agent's listener, or the gateway would send a student's request to the agent instead of the IDE.
   */
  private static Future<Void> text(HttpServerRequest req, int status, String body) {
    return req.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(body)
        .onComplete(sent -> req.connection().close());
  }

  private static String javaCommand() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static String classpath() {
    return java.util.stream.Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .map(p -> Path.of(p).toAbsolutePath().toString())
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }
}
