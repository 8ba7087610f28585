import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * The least a reverse proxy built on Vert.x's HTTP server and client does, as the floor under wsgate's figures in
 * {@code bench/floor.sh}: one event loop, the server in strict thread mode (as wsgate's), a keep-alive client pool
 * of 64 connections to one origin, the request's headers copied to the upstream request and the response's back,
 * bodies piped. No routing, no auth, no edge checks, no hop-by-hop or forwarded headers, no meters, no timeouts.
 *
 * <p>Run with the shipped jar on the classpath (it carries Vert.x): {@code java -cp proxy/target/wsgate.jar
 * bench/VertxFloor.java PORT ORIGIN_PORT}.
 */
public final class VertxFloor {

  private VertxFloor() {
  }

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: java -cp wsgate.jar bench/VertxFloor.java PORT ORIGIN_PORT");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    SocketAddress origin = SocketAddress.inetSocketAddress(Integer.parseInt(args[1]), "127.0.0.1");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setDecompressionSupported(false), new PoolOptions().setHttp1MaxSize(64));
    vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setStrictThreadMode(true))
        .requestHandler(req -> forward(client, origin, req))
        .listen()
        .onSuccess(s -> System.out.println("vertx floor listening on 127.0.0.1:" + s.actualPort()))
        .onFailure(err -> {
          System.err.println("vertx floor cannot listen on " + port + ": " + err);
          System.exit(1);
        });
  }

  private static void forward(HttpClient client, SocketAddress origin, HttpServerRequest req) {
    req.pause();
    client.request(new RequestOptions().setServer(origin).setMethod(req.method()).setURI(req.uri()))
        .onComplete(ar -> {
          if (ar.failed()) {
            req.response().setStatusCode(502).end();
            return;
          }
          HttpClientRequest up = ar.result();
          up.headers().setAll(req.headers());
          up.send(req).onComplete(r -> {
            if (r.failed()) {
              req.response().setStatusCode(502).end();
              return;
            }
            HttpClientResponse resp = r.result();
            HttpServerResponse out = req.response();
            out.setStatusCode(resp.statusCode());
            out.headers().setAll(resp.headers());
            resp.pipeTo(out);
          });
        });
  }
}
