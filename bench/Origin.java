import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's origin: one process that nginx, HAProxy and wsgate all route to. {@code GET /} answers 64 bytes,
 * {@code GET /16k} 16 KiB, any other path 404, and a WebSocket upgrade on any path echoes every message back as it
 * came (text as text, binary as binary). One event loop, bodies built once: the origin shares its core with the load
 * generator, so it must cost as little as it can.
 *
 * <p>Run with the shipped jar on the classpath (it carries Vert.x): {@code java -cp proxy/target/wsgate.jar
 * bench/Origin.java PORT}. The benchmark has wsgate start it as the workspace of a profile, so wsgate routes to it
 * as to any workspace; nginx and HAProxy are then pointed at the port wsgate gave it.
 */
public final class Origin {

  /** What {@code GET /} answers: exactly 64 bytes, which the benchmark checks through every proxy. */
  static final String SMALL = "wsgate-bench-origin 64 B body ....................... end of it\n";

  private Origin() {
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: java -cp wsgate.jar bench/Origin.java PORT");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Buffer small = Buffer.buffer(SMALL.getBytes(StandardCharsets.US_ASCII));
    if (small.length() != 64) {
      throw new IllegalStateException("small body is " + small.length() + " bytes");
    }
    byte[] big = new byte[16 * 1024];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) ('a' + i % 26);
    }
    Buffer large = Buffer.buffer(big);

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1));
    vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
            .setMaxWebSocketFrameSize(1 << 20).setMaxWebSocketMessageSize(1 << 20))
        .webSocketHandler(Origin::echo)
        .requestHandler(req -> answer(req, small, large))
        .listen()
        .onSuccess(s -> System.out.println("bench origin listening on 127.0.0.1:" + s.actualPort()))
        .onFailure(err -> {
          System.err.println("bench origin cannot listen on " + port + ": " + err);
          System.exit(1);
        });
  }

  private static void answer(HttpServerRequest req, Buffer small, Buffer large) {
    Buffer body = switch (req.path()) {
      case "/" -> small;
      case "/16k" -> large;
      default -> null;
    };
    if (body == null) {
      req.response().setStatusCode(404).end();
    } else {
      req.response().putHeader("content-type", "text/plain").end(body);
    }
  }

  private static void echo(ServerWebSocket ws) {
    ws.textMessageHandler(ws::writeTextMessage);
    ws.binaryMessageHandler(ws::writeBinaryMessage);
    ws.exceptionHandler(err -> ws.close());
  }
}
