package io.wsgate.launch;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.wsgate.provider.ProviderException;
import io.wsgate.workspace.Endpoint;

/**
 * Tells a warm pool member which workspace it now serves: {@code POST <assign path>} with
 * {@code {"workspace": id, "dataDir": dir}}. Only a 2xx answer counts; then the member is routed.
 */
final class AssignHook {

  private static final long TIMEOUT_MS = 10_000;

  private final HttpClient client;

  AssignHook(HttpClient client) {
    this.client = client;
  }

  Future<Void> assign(Endpoint endpoint, String authority, String path, String workspace, String dataDir) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(endpoint.port(), endpoint.host()))
        .setHost(authority).setPort(80).setURI(path).setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS)
        .putHeader("content-type", "application/json");
    String body = new JsonObject().put("workspace", workspace).put("dataDir", dataDir).encode();
    return client.request(o)
        // body() in the task that sends, before the response can have ended
        .compose(req -> req.send(body).compose(resp -> resp.body().compose(b -> resp.statusCode() / 100 == 2
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(new ProviderException("assign hook answered " + resp.statusCode())))));
  }
}
