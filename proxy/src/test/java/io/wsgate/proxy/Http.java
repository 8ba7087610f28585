package io.wsgate.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/** Test requests to a gateway on loopback with a chosen Host header. */
public final class Http {

  /** A complete response. */
  public record Response(int status, MultiMap headers, Buffer body) {
    public String text() {
      return body.toString();
    }
  }

  private final HttpClient client;
  private final int port;

  public Http(HttpClient client, int port) {
    this.client = client;
    this.port = port;
  }

  public Future<Response> get(String host, String path, String... headerPairs) {
    return send(HttpMethod.GET, host, path, null, headerPairs);
  }

  public Future<Response> send(HttpMethod method, String host, String path, Buffer body, String... headerPairs) {
    RequestOptions o = new RequestOptions().setMethod(method).setServer(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
        .setHost(host).setPort(port).setURI(path);
    for (int i = 0; i + 1 < headerPairs.length; i += 2) {
      o.addHeader(headerPairs[i], headerPairs[i + 1]);
    }
    // body() is asked for in the same event-loop task that sends: a response that arrives and ends before
    // body() is called has had its bytes dropped, and body() would then never complete
    return client.request(o).compose(req -> (body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b))));
  }
}
