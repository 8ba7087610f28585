package io.wsgate.provider.ecs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a fake ECS task runs: an HTTP and WebSocket server on the task's own loopback address and the
 * profile's container port, standing in for code-server. It answers 503 until it is ready (slow readiness is
 * injectable), then {@code 200 workspace <id>}; WebSocket frames are echoed. A warm pool task learns its
 * workspace through {@code POST /wsgate/assign}.
 */
final class FakeBackend {

  private final HttpServer server;
  private final AtomicBoolean ready;

  private FakeBackend(HttpServer server, AtomicBoolean ready) {
    this.server = server;
    this.ready = ready;
  }

  static Future<FakeBackend> start(Vertx vertx, String ip, int port, String workspaceId, boolean ready) {
    AtomicBoolean readyFlag = new AtomicBoolean(ready);
    java.util.concurrent.atomic.AtomicReference<String> serving = new java.util.concurrent.atomic.AtomicReference<>(
        workspaceId);
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(ip).setPort(port))
        .webSocketHandler(ws -> ws
            .textMessageHandler(ws::writeTextMessage)
            .binaryMessageHandler(ws::writeBinaryMessage))
        .requestHandler(req -> {
          if (!readyFlag.get()) {
            req.response().setStatusCode(503).end("starting");
          } else if ("/wsgate/assign".equals(req.path())) {
            // the warm pool's assign hook: from now on this task serves the named workspace
            req.body().onSuccess(b -> {
              serving.set(new io.vertx.core.json.JsonObject(b).getString("workspace"));
              req.response().end("assigned");
            });
          } else {
            req.response().end("workspace " + serving.get());
          }
        });
    return server.listen().map(s -> new FakeBackend(s, readyFlag));
  }

  void markReady() {
    ready.set(true);
  }

  Future<Void> close() {
    return server.close();
  }
}
