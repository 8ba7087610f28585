package io.wsgate.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpResponseHead;
import io.wsgate.workspace.WorkspaceId;
import java.nio.file.Path;

/** Starts demo workspaces in-process on port 0 and talks plain HTTP to them. */
final class DemoServers {

  static final String HOST = "127.0.0.1";

  private DemoServers() {
  }

  /** Deploys a demo workspace for {@code id} keeping its data in {@code dir}; completes once it listens. */
  static Future<DemoVerticle> start(Vertx vertx, String id, Path dir) {
    DemoVerticle verticle = new DemoVerticle(new DemoSettings(new WorkspaceId(id), dir, HOST, 0));
    return vertx.deployVerticle(verticle).map(verticle);
  }

  /** One response, fully read. */
  record Reply(int status, HttpResponseHead head, Buffer body) {
    String text() {
      return body.toString();
    }

    String header(String name) {
      return head.getHeader(name);
    }
  }

  static Future<Reply> send(HttpClient client, int port, HttpMethod method, String uri, Buffer body) {
    return client.request(method, port, HOST, uri)
        .compose(req -> (body == null ? req.send() : req.send(body))
            .compose(res -> res.body().map(b -> new Reply(res.statusCode(), res, b))));
  }

  /** Sends {@code body} without a Content-Length, in chunks, as a browser stream or a proxy might. */
  static Future<Reply> sendChunked(HttpClient client, int port, String uri, Buffer body, int chunkSize) {
    return client.request(HttpMethod.PUT, port, HOST, uri).compose(req -> {
      req.setChunked(true);
      Future<Reply> reply = req.response().compose(res -> res.body().map(b -> new Reply(res.statusCode(), res, b)));
      writeChunks(req, body, chunkSize);
      return reply;
    });
  }

  private static void writeChunks(HttpClientRequest req, Buffer body, int chunkSize) {
    for (int from = 0; from < body.length(); from += chunkSize) {
      // A write fails once the server has refused the body and closed; the reply says why.
      req.write(body.getBuffer(from, Math.min(body.length(), from + chunkSize)));
    }
    req.end();
  }
}
