package io.wsgate.testing;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.wsgate.auth.AssignSignature;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * A stand-in workspace for tests, run in-process or as its own process ({@link #main}): it reports what it
 * received, streams large bodies with back-pressure, echoes WebSocket frames exactly, and can be told to
 * stop listening while its process stays alive. Each process start appends a line to {@code <dir>/starts.log}.
 * Its assign hook, like a real member's, takes only a request signed with its {@link #assignSecret}
 * ({@link AssignSignature}).
 */
public final class TestBackend extends VerticleBase {

  private static final int CHUNK = 64 * 1024;

  private volatile String id;
  private final int port;
  private long readyAt;
  private boolean assignFails;
  private long assignAnswerMs;
  private volatile String assignSecret;
  private HttpServer server;
  private final java.util.Set<HttpConnection> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> byPath =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger abortedUploads =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger completedUploads =
      new java.util.concurrent.atomic.AtomicInteger();

  public TestBackend(String id, int port) {
    this.id = id;
    this.port = port;
  }

  /** Answers 503 on /healthz until {@code ms} after start. */
  public TestBackend readyAfter(long ms) {
    this.readyAt = System.currentTimeMillis() + ms;
    return this;
  }

  /** The secret a signed assign request must be made with (as a pool member gets it); without one, none is taken. */
  public TestBackend assignSecret(String secret) {
    this.assignSecret = secret;
    return this;
  }

  /** Makes the assign hook answer only after {@code ms}, as an agent does while its IDE starts. */
  public TestBackend assignAnswersAfter(long ms) {
    this.assignAnswerMs = ms;
    return this;
  }

  /** Makes the warm pool assign hook answer 500. */
  public TestBackend assignFails() {
    this.assignFails = true;
    return this;
  }

  /** {@code --port N --id ID --dir DIR [--exit CODE] [--ready-after MS] [--assign-fails true]}. */
  public static void main(String[] args) throws Exception {
    int port = 0;
    String id = "test";
    String dir = null;
    int exit = -1;
    long readyAfter = 0;
    boolean assignFails = false;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--id" -> id = args[i + 1];
        case "--dir" -> dir = args[i + 1];
        case "--exit" -> exit = Integer.parseInt(args[i + 1]);
        case "--ready-after" -> readyAfter = Long.parseLong(args[i + 1]);
        case "--assign-fails" -> assignFails = Boolean.parseBoolean(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (dir != null) {
      Files.writeString(Path.of(dir, "starts.log"), Instant.now() + " pid " + ProcessHandle.current().pid() + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    if (exit >= 0) {
      System.out.println("backend refusing to start: configured to exit with " + exit);
      System.exit(exit);
    }
    Vertx vertx = Vertx.vertx();
    TestBackend backend = new TestBackend(id, port).readyAfter(readyAfter)
        .assignSecret(System.getenv(AssignSignature.SECRET_ENV));
    if (assignFails) {
      backend.assignFails();
    }
    vertx.deployVerticle(backend).await();
    System.out.println("backend " + id + " listening on " + port);
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
            .setMaxWebSocketFrameSize(16 * 1024 * 1024).setMaxWebSocketMessageSize(16 * 1024 * 1024)
            .setPerMessageWebSocketCompressionSupported(false).setWebSocketSubProtocols(java.util.List.of("*")))
        .requestHandler(this::handle)
        .connectionHandler(c -> {
          connections.add(c);
          c.closeHandler(v -> connections.remove(c));
        });
    return server.listen();
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** Requests (including WebSocket upgrades) this backend has received. */
  public int requests() {
    return requests.get();
  }

  /** Requests for {@code path} this backend has received. */
  public int requests(String path) {
    return byPath.getOrDefault(path, new java.util.concurrent.atomic.AtomicInteger()).get();
  }

  /** Requests to {@code /upload} whose body broke off (the gateway reset them) instead of ending. */
  public int abortedUploads() {
    return abortedUploads.get();
  }

  /** Requests to {@code /upload} whose body ended, and were answered. */
  public int completedUploads() {
    return completedUploads.get();
  }

  /** Headers of the last WebSocket upgrade this backend accepted. */
  public volatile io.vertx.core.MultiMap lastUpgradeHeaders;

  private void handle(HttpServerRequest req) {
    requests.incrementAndGet();
    byPath.computeIfAbsent(req.path(), p -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
    if (req.canUpgradeToWebSocket()) {
      lastUpgradeHeaders = io.vertx.core.MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
      req.toWebSocket().onSuccess(this::echo);
      return;
    }
    switch (req.path()) {
      case "/healthz" -> {
        if (System.currentTimeMillis() < readyAt) {
          req.response().setStatusCode(503).end("starting");
        } else {
          req.response().end("ok");
        }
      }
      case "/wsgate/assign" -> req.body().onSuccess(body -> {
        if (assignFails) {
          req.response().setStatusCode(500).end("assign refused");
          return;
        }
        var problem = AssignSignature.problem(assignSecret, req.method().name(), req.uri(),
            req.getHeader(AssignSignature.TIMESTAMP_HEADER), req.getHeader(AssignSignature.SIGNATURE_HEADER),
            body.getBytes(), System.currentTimeMillis() / 1000);
        if (problem.isPresent()) {
          req.response().setStatusCode(401).end("assignment refused: " + problem.get());
          return;
        }
        String assigned = new JsonObject(body).getString("workspace");
        if (assignAnswerMs > 0) {
          vertx.setTimer(assignAnswerMs, t -> {
            id = assigned;
            req.response().end("assigned " + id);
          });
        } else {
          id = assigned;
          req.response().end("assigned " + id);
        }
      });
      case "/whoami" -> req.response().end(id);
      case "/echo" -> req.body().onSuccess(body -> req.response().putHeader("content-type", "application/json")
          .putHeader("x-backend-id", id)
          .putHeader("connection", "keep-alive, x-hop")
          .putHeader("x-hop", "must not reach the client")
          .putHeader("keep-alive", "timeout=5")
          .end(new JsonObject().put("method", req.method().name()).put("uri", req.uri())
              .put("headers", headersJson(req)).put("bodyLength", body.length()).encode()));
      case "/upload" -> {
        long[] count = {0};
        req.handler(buf -> count[0] += buf.length());
        req.exceptionHandler(err -> abortedUploads.incrementAndGet());
        req.endHandler(v -> {
          completedUploads.incrementAndGet();
          req.response().end(Long.toString(count[0]));
        });
      }
      case "/download" -> download(req, Long.parseLong(req.getParam("bytes")));
      case "/slow" -> vertx.setTimer(Long.parseLong(req.getParam("ms")), t -> req.response().end("slow"));
      case "/stop-listening" -> req.response().end("closing").onComplete(v -> {
        // a server whose process lives on but which no longer serves: no new connections, the open ones dropped
        server.close();
        connections.forEach(HttpConnection::close);
      });
      default -> req.response().putHeader("content-type", "text/plain").end("hello from " + id + "\n");
    }
  }

  private static JsonObject headersJson(HttpServerRequest req) {
    JsonObject h = new JsonObject();
    for (String name : req.headers().names()) {
      h.put(name.toLowerCase(java.util.Locale.ROOT), String.join(" | ", req.headers().getAll(name)));
    }
    return h;
  }

  private void download(HttpServerRequest req, long total) {
    var resp = req.response().setChunked(true).putHeader("content-type", "application/octet-stream");
    Buffer chunk = Buffer.buffer(new byte[CHUNK]);
    long[] sent = {0};
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (sent[0] < total && !resp.writeQueueFull()) {
        int n = (int) Math.min(CHUNK, total - sent[0]);
        resp.write(n == CHUNK ? chunk : chunk.slice(0, n));
        sent[0] += n;
      }
      if (sent[0] >= total) {
        resp.end();
      } else {
        resp.drainHandler(v -> pump[0].run());
      }
    };
    pump[0].run();
  }

  private void echo(ServerWebSocket ws) {
    ws.frameHandler(frame -> {
      if (frame.isClose() || frame.type() == io.vertx.core.http.WebSocketFrameType.PING
          || frame.type() == io.vertx.core.http.WebSocketFrameType.PONG) {
        return;
      }
      if (frame.isText() && frame.isFinal() && frame.textData().startsWith("close:")) {
        ws.close(Short.parseShort(frame.textData().substring(6)), "requested");
        return;
      }
      ws.writeFrame(frame);
    });
    ws.closeHandler(v -> {
      if (!ws.isClosed()) {
        ws.close();
      }
    });
  }
}
