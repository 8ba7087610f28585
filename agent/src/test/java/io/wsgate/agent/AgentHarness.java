package io.wsgate.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.wsgate.auth.AssignSignature;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Starts real agents (a verticle in the test's Vert.x, the IDE a real child process) and talks to them over HTTP. */
final class AgentHarness {

  static final String SECRET = "member-secret-for-agent-tests-only";
  /** A stand-in IDE with nothing but the system's Python: serves its directory, ready at "/". */
  static final String PYTHON_IDE = "/usr/bin/python3 -m http.server {port} --bind {host}";

  record Reply(int status, String body) {
  }

  record Running(AgentVerticle agent, CompletableFuture<Integer> exitCode, int port) {
  }

  private AgentHarness() {
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Settings as the environment would give them, with the shared secret and a short stop grace. */
  static Map<String, String> env(int port, String... pairs) {
    Map<String, String> env = new HashMap<>(Map.of("PORT", Integer.toString(port), AssignSignature.SECRET_ENV, SECRET,
        "WSGATE_AGENT_STOP_GRACE", "5s", "WSGATE_AGENT_READY_TIMEOUT", "60s"));
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  static Running start(Vertx vertx, Map<String, String> env, UserSwitch users) {
    AgentSettings settings = AgentSettings.parse(new String[0], env);
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    AgentVerticle agent = new AgentVerticle(settings, users, exit::complete);
    vertx.deployVerticle(agent).await();
    return new Running(agent, exit, settings.port());
  }

  static Buffer body(String workspace, String dataDir) {
    return new JsonObject().put("workspace", workspace).put("dataDir", dataDir).toBuffer();
  }

  /** An assign request signed as the gateway signs it (now, with the member's secret). */
  static Future<Reply> assign(HttpClient client, int port, String secret, Buffer body) {
    return client.request(assignRequest(port, secret, body)).compose(req -> send(req, body));
  }

  /** A signed assignment of {@code body}, to be sent on a connection of the caller's choosing. */
  static RequestOptions assignRequest(int port, String secret, Buffer body) {
    long now = System.currentTimeMillis() / 1000;
    String sig = "v1=" + AssignSignature.sign(secret, "POST", "/wsgate/assign", now, body.getBytes());
    return options(port, HttpMethod.POST, "/wsgate/assign",
        Map.of(AssignSignature.TIMESTAMP_HEADER, Long.toString(now), AssignSignature.SIGNATURE_HEADER, sig));
  }

  static Future<Reply> send(HttpClient client, int port, HttpMethod method, String uri, Buffer body,
                            Map<String, String> headers) {
    return client.request(options(port, method, uri, headers)).compose(req -> send(req, body));
  }

  /** Sends {@code body} on a request whose connection is already open, and reads the whole reply. */
  static Future<Reply> send(io.vertx.core.http.HttpClientRequest req, Buffer body) {
    return (body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString(StandardCharsets.UTF_8))));
  }

  private static RequestOptions options(int port, HttpMethod method, String uri, Map<String, String> headers) {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(o::putHeader);
    return o;
  }

  static Future<Reply> get(HttpClient client, int port, String uri) {
    return send(client, port, HttpMethod.GET, uri, null, Map.of());
  }
}
