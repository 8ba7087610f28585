package io.wsgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.wsgate.demo.DemoServers.Reply;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The note is saved to {@code <dir>/note.txt}, survives a restart, and is refused past 64 KiB. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class DemoNoteTest {

  private static final String NOTE = "first line\nzweite Zeile – ünïcödé ✓\n";

  @TempDir
  Path dir;

  private HttpClient client;

  @BeforeEach
  void client(Vertx vertx) {
    client = vertx.createHttpClient();
  }

  @Test
  void emptyBeforeTheFirstSave(Vertx vertx, VertxTestContext ctx) {
    DemoServers.start(vertx, "fresh", dir)
        .compose(server -> send(server, HttpMethod.GET, null))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status()).isEqualTo(200);
          assertThat(reply.text()).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void savedNoteIsOnDiskAndSurvivesARestart(Vertx vertx, VertxTestContext ctx) {
    DemoServers.start(vertx, "keeper", dir)
        .compose(first -> send(first, HttpMethod.PUT, Buffer.buffer(NOTE))
            .compose(saved -> {
              ctx.verify(() -> {
                assertThat(saved.status()).isEqualTo(200);
                assertThat(saved.body().toJsonObject().getInteger("bytes")).isEqualTo(Buffer.buffer(NOTE).length());
                assertThat(saved.body().toJsonObject().getString("savedAt")).isNotBlank();
              });
              return vertx.undeploy(first.deploymentID());
            }))
        .compose(v -> vertx.fileSystem().readFile(dir.resolve("note.txt").toString()))
        .compose(onDisk -> {
          ctx.verify(() -> assertThat(onDisk.toString()).isEqualTo(NOTE));
          return DemoServers.start(vertx, "keeper", dir);
        })
        .compose(second -> send(second, HttpMethod.GET, null))
        .compose(loaded -> {
          ctx.verify(() -> {
            assertThat(loaded.status()).isEqualTo(200);
            assertThat(loaded.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
            assertThat(loaded.text()).isEqualTo(NOTE);
          });
          return vertx.fileSystem().readDir(dir.toString());
        })
        .onComplete(ctx.succeeding(files -> ctx.verify(() -> {
          // the temporary file of the atomic save is gone
          assertThat(files).containsExactly(dir.resolve("note.txt").toString());
          ctx.completeNow();
        })));
  }

  @Test
  void oversizedNoteIsRefusedAndTheOldOneKept(Vertx vertx, VertxTestContext ctx) {
    Buffer tooLarge = Buffer.buffer(new byte[DemoVerticle.MAX_NOTE_BYTES + 1]);
    DemoServers.start(vertx, "big", dir).compose(server -> send(server, HttpMethod.PUT, Buffer.buffer("kept"))
            .compose(v -> send(server, HttpMethod.PUT, tooLarge))
            .compose(refused -> {
              ctx.verify(() -> assertThat(refused.status()).isEqualTo(413));
              return DemoServers.sendChunked(client, server.actualPort(), "/api/note", tooLarge, 8 * 1024);
            })
            .compose(refused -> {
              ctx.verify(() -> assertThat(refused.status()).as("chunked").isEqualTo(413));
              return send(server, HttpMethod.GET, null);
            }))
        .onComplete(ctx.succeeding(note -> ctx.verify(() -> {
          assertThat(note.text()).isEqualTo("kept");
          ctx.completeNow();
        })));
  }

  @Test
  void noteOfExactlyTheLimitIsAccepted(Vertx vertx, VertxTestContext ctx) {
    Buffer atLimit = Buffer.buffer("x".repeat(DemoVerticle.MAX_NOTE_BYTES));
    DemoServers.start(vertx, "edge", dir)
        .compose(server -> DemoServers.sendChunked(client, server.actualPort(), "/api/note", atLimit, 10_000))
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status()).isEqualTo(200);
          assertThat(dir.resolve("note.txt")).hasSize(DemoVerticle.MAX_NOTE_BYTES);
          ctx.completeNow();
        })));
  }

  private Future<Reply> send(DemoVerticle server, HttpMethod method, Buffer body) {
    return DemoServers.send(client, server.actualPort(), method, "/api/note", body);
  }
}
