package io.wsgate.proxy;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 1 GiB upload and a 1 GiB download pass through the gateway. The test JVM has 384 MiB of heap and
 * 256 MiB of direct memory for the client, the gateway and the backend together, so this only passes if
 * bodies stream with back-pressure instead of being buffered.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class StreamingTest {

  private static final long GIB = 1024L * 1024 * 1024;

  @TempDir
  static Path tmp;
  static GatewayFixture f;
  static HttpClient client;

  @BeforeAll
  static void start() {
    f = new GatewayFixture(tmp);
    client = f.vertx.createHttpClient(new HttpClientOptions());
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private RequestOptions request(HttpMethod method, String uri) {
    return new RequestOptions().setMethod(method)
        .setServer(SocketAddress.inetSocketAddress(f.gateway.port(), "127.0.0.1"))
        .setHost("ws-stream.localhost").setPort(f.gateway.port()).setURI(uri);
  }

  @Test
  void uploadOneGibibyte() throws Exception {
    String received = client.request(request(HttpMethod.POST, "/upload"))
        .compose(req -> {
          req.putHeader("content-length", Long.toString(GIB));
          return req.send(new ZeroStream(f.vertx.getOrCreateContext(), GIB)).compose(resp -> resp.body());
        })
        .map(Buffer::toString)
        .await(280, TimeUnit.SECONDS);
    assertThat(Long.parseLong(received)).isEqualTo(GIB);
  }

  @Test
  void downloadOneGibibyte() throws Exception {
    AtomicLong count = new AtomicLong();
    Promise<Void> done = Promise.promise();
    client.request(request(HttpMethod.GET, "/download?bytes=" + GIB))
        // the handlers go on in the task that sends, before any of the body can arrive
        .compose(req -> req.send().onSuccess(resp -> {
          resp.handler(buf -> count.addAndGet(buf.length()));
          resp.endHandler(v -> done.complete());
          resp.exceptionHandler(done::tryFail);
        }))
        .onFailure(done::fail);
    done.future().await(280, TimeUnit.SECONDS);
    assertThat(count.get()).isEqualTo(GIB);
  }

  /** Generates zeros on demand, honouring pause/resume, so the client side holds nothing either. */
  static final class ZeroStream implements ReadStream<Buffer> {
    private static final Buffer CHUNK = Buffer.buffer(new byte[64 * 1024]);
    private final io.vertx.core.Context ctx;
    private long remaining;
    private long demand = Long.MAX_VALUE;
    private io.vertx.core.Handler<Buffer> handler;
    private io.vertx.core.Handler<Void> endHandler;
    private boolean scheduled;

    ZeroStream(io.vertx.core.Context ctx, long total) {
      this.ctx = ctx;
      this.remaining = total;
    }

    private void schedule() {
      if (!scheduled && handler != null) {
        scheduled = true;
        ctx.runOnContext(v -> emit());
      }
    }

    private void emit() {
      scheduled = false;
      int burst = 0;
      while (demand > 0 && remaining > 0 && handler != null && burst++ < 64) {
        int n = (int) Math.min(CHUNK.length(), remaining);
        remaining -= n;
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        handler.handle(n == CHUNK.length() ? CHUNK : CHUNK.slice(0, n));
      }
      if (remaining == 0) {
        if (endHandler != null) {
          io.vertx.core.Handler<Void> h = endHandler;
          endHandler = null;
          h.handle(null);
        }
      } else if (demand > 0) {
        schedule();
      }
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> h) {
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(io.vertx.core.Handler<Buffer> h) {
      handler = h;
      schedule();
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      demand = 0;
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      return fetch(Long.MAX_VALUE);
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
      schedule();
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(io.vertx.core.Handler<Void> h) {
      endHandler = h;
      return this;
    }
  }

}
