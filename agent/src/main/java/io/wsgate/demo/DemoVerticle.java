package io.wsgate.demo;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The demo workspace's HTTP and WebSocket server: the page, the note API, the echo socket and a
 * health check, on vertx-core alone. It serves one workspace from its start; a warm pool member is the workspace
 * agent ({@code io.wsgate.agent.Agent --ide demo}), which starts the demo once it is assigned.
 */
public final class DemoVerticle extends VerticleBase {

  /** Largest note accepted by {@code PUT /api/note}; a note is text typed by a person. */
  public static final int MAX_NOTE_BYTES = 64 * 1024;
  /** Largest WebSocket frame and message echoed, so that the gateway's large-message tests pass through. */
  public static final int MAX_WEBSOCKET_BYTES = 16 * 1024 * 1024;

  private static final String TEXT = "text/plain; charset=utf-8";
  private static final Set<HttpMethod> READ = Set.of(HttpMethod.GET, HttpMethod.HEAD);

  private final DemoSettings settings;
  private final long pid = ProcessHandle.current().pid();
  private final Instant startedAt = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
  private NoteStore notes;
  private Buffer page;
  private HttpServer server;

  public DemoVerticle(DemoSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public Future<?> start() {
    notes = new NoteStore(vertx.fileSystem(), settings.dir());
    HttpServerOptions options = new HttpServerOptions()
        .setHost(settings.host())
        .setPort(settings.port())
        .setMaxWebSocketFrameSize(MAX_WEBSOCKET_BYTES)
        .setMaxWebSocketMessageSize(MAX_WEBSOCKET_BYTES);
    return notes.init()
        .compose(v -> vertx.executeBlocking(() -> DemoPage.render(pageValues())))
        .compose(rendered -> {
          page = rendered;
          return vertx.createHttpServer(options).requestHandler(this::handle).listen();
        })
        .onSuccess(listening -> server = listening);
  }

  /** The port the server is bound to, which differs from the settings' when they ask for port 0. */
  public int actualPort() {
    if (server == null) {
      throw new IllegalStateException("not listening yet");
    }
    return server.actualPort();
  }

  private Map<String, String> pageValues() {
    return Map.of(
        "id", settings.id().value(),
        "pid", Long.toString(pid),
        "startedAt", startedAt.toString(),
        "dir", settings.dir().toString(),
        "maxNoteBytes", Integer.toString(MAX_NOTE_BYTES));
  }

  private void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/" -> {
        if (allow(req, READ)) {
          req.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
              .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                  + "script-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'")
              .end(page);
        }
      }
      case "/healthz" -> {
        if (allow(req, READ)) {
          text(req.response(), 200, "ok");
        }
      }
      case "/api/info" -> {
        if (allow(req, READ)) {
          json(req.response(), 200, info());
        }
      }
      case "/api/note" -> {
        if (req.method() == HttpMethod.PUT) {
          saveNote(req);
        } else if (allow(req, READ)) {
          loadNote(req);
        }
      }
      case "/ws/echo" -> upgrade(req);
      default -> text(req.response(), 404, "not found");
    }
  }

  private JsonObject info() {
    return new JsonObject()
        .put("id", settings.id().value())
        .put("pid", pid)
        .put("startedAt", startedAt.toString())
        .put("dir", settings.dir().toString());
  }

  private void loadNote(HttpServerRequest req) {
    notes.load()
        .onSuccess(note -> req.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT).end(note))
        .onFailure(err -> text(req.response(), 500, "cannot read note: " + err.getMessage()));
  }

  private void saveNote(HttpServerRequest req) {
    BoundedBody.read(req, MAX_NOTE_BYTES)
        .compose(body -> notes.save(body).map(body.length()))
        .onSuccess(bytes -> json(req.response(), 200,
            new JsonObject().put("bytes", bytes).put("savedAt", Instant.now().toString())))
        .onFailure(err -> {
          if (err instanceof BoundedBody.TooLargeException) {
            // The rest of the body is never read, so the connection cannot be reused.
            req.response().putHeader(HttpHeaders.CONNECTION, "close");
            text(req.response(), 413, "note larger than " + MAX_NOTE_BYTES + " bytes")
                .onComplete(v -> req.connection().close());
          } else {
            text(req.response(), 500, "cannot save note: " + err.getMessage());
          }
        });
  }

  private void upgrade(HttpServerRequest req) {
    if (!req.canUpgradeToWebSocket()) {
      req.response().putHeader(HttpHeaders.UPGRADE, "websocket");
      text(req.response(), 426, "WebSocket only");
      return;
    }
    req.toWebSocket().onSuccess(EchoSocket::attach);
  }

  private static boolean allow(HttpServerRequest req, Set<HttpMethod> allowed) {
    if (allowed.contains(req.method())) {
      return true;
    }
    req.response().putHeader(HttpHeaders.ALLOW, req.path().equals("/api/note") ? "GET, HEAD, PUT" : "GET, HEAD");
    text(req.response(), 405, "method not allowed");
    return false;
  }

  private static Future<Void> text(HttpServerResponse res, int status, String body) {
    return res.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, TEXT)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body);
  }

  private static void json(HttpServerResponse res, int status, JsonObject body) {
    res.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.toBuffer());
  }
}
