package io.wsgate.simulate;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP client the launcher's readiness probes and assign hooks use in a simulation: real requests to the one
 * in-process server that stands for every simulated workspace, over kept connections.
 *
 * <p>The gateway's own probe client opens a connection per request (a kept connection to a workspace that died
 * would hide the refusal), and a pooled client keeps its connections per host name, so with a workspace host per
 * request not even a kept-alive client would reuse one: each probe and hook was a fresh loopback connection,
 * about a fifth of a run's CPU in connects, accepts and closes. Here every request is sent under one host name, so
 * the connections are reused; the simulated server answers whatever the host, and nothing the figures show
 * depends on the connection a request took.
 */
final class SimWorkspacesClient implements HttpClient {

  /** The one host name every request is sent under. */
  static final String HOST = "simulated-workspaces";
  /**
   * Connections kept: more than are ever in use at once (the simulator settles each event before the next), so no
   * request waits for one; a wait would count against its connect timeout.
   */
  private static final int CONNECTIONS = 64;

  private final HttpClientAgent client;

  SimWorkspacesClient(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(CONNECTIONS));
  }

  @Override
  public Future<HttpClientRequest> request(RequestOptions options) {
    return client.request(new RequestOptions(options).setHost(HOST));
  }

  @Override
  public Future<Void> shutdown(long timeout, TimeUnit unit) {
    return client.shutdown(timeout, unit);
  }
}
