package io.wsgate.launch;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.wsgate.auth.AssignSignature;
import io.wsgate.auth.KeyRing;
import io.wsgate.provider.ProviderException;
import io.wsgate.workspace.Endpoint;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Tells a warm pool member which workspace it now serves: {@code POST <assign path>} with
 * {@code {"workspace": id, "dataDir": dir}}, signed for the member it goes to ({@link AssignSignature}), so a
 * member takes an assignment from the gateway only. Only a 2xx answer counts; then the member is routed.
 *
 * <p>The workspace agent answers only once the IDE it starts answers its readiness path (for Superset, after a new
 * student's database is created), so the answer may take as long as a launch may: the wait is bounded by the launch
 * timeout, the connect by {@value #CONNECT_TIMEOUT_MS} ms. Falling back to a fresh launch earlier would only make
 * the student wait for that too.
 */
final class AssignHook {

  private static final long CONNECT_TIMEOUT_MS = 10_000;

  private final HttpClient client;
  private final long answerTimeoutMs;

  AssignHook(HttpClient client, Duration answerTimeout) {
    this.client = client;
    this.answerTimeoutMs = answerTimeout.toMillis();
  }

  /**
   * Assigns the member launched as {@code launchId} at {@code endpoint}, signing with every key in {@code keys} so
   * that a member started before a key rotation can still check it.
   */
  Future<Void> assign(Endpoint endpoint, String launchId, KeyRing keys, String authority, String path,
                      String workspace, String dataDir) {
    byte[] body = new JsonObject().put("workspace", workspace).put("dataDir", dataDir).encode()
        .getBytes(StandardCharsets.UTF_8);
    // the wall clock, not the gateway's injected one: the member checks the stamp against its own wall clock, in
    // another process (like a token's iat); no decision of the gateway's reads it
    long now = System.currentTimeMillis() / 1000;
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(endpoint.port(), endpoint.host()))
        .setHost(authority).setPort(80).setURI(path)
        .setConnectTimeout(CONNECT_TIMEOUT_MS).setIdleTimeout(answerTimeoutMs)
        .putHeader("content-type", "application/json")
        .putHeader(AssignSignature.TIMESTAMP_HEADER, Long.toString(now))
        .putHeader(AssignSignature.SIGNATURE_HEADER,
            AssignSignature.header(keys, launchId, HttpMethod.POST.name(), path, now, body));
    return client.request(o)
        // body() in the task that sends, before the response can have ended
        .compose(req -> req.send(Buffer.buffer(body)).compose(resp -> resp.body().compose(b ->
            resp.statusCode() / 100 == 2
                ? Future.<Void>succeededFuture()
                : Future.failedFuture(new ProviderException("assign hook answered " + resp.statusCode())))));
  }
}
