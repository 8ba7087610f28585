package io.wsgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
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

/** The demo workspace serves its page, info and health check, and nothing else. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class DemoWorkspaceTest {

  @TempDir
  Path dir;

  private HttpClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    client = vertx.createHttpClient();
    DemoServers.start(vertx, "ws-7", dir.resolve("data"))
        .onComplete(ctx.succeeding(v -> {
          port = v.actualPort();
          ctx.completeNow();
        }));
  }

  @Test
  void pageShowsTheWorkspaceIdAndIsSelfContained(VertxTestContext ctx) {
    get("/").onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.header("Content-Type")).startsWith("text/html");
      assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
      assertThat(reply.text())
          .contains("<h1 id=\"workspace-id\">ws-7</h1>")
          .contains("id=\"ws-status\"", "id=\"ws-input\"", "id=\"ws-send\"", "id=\"ws-log\"")
          .contains("id=\"note\"", "id=\"note-save\"", "id=\"note-status\"")
          .contains("pid <span id=\"pid\">" + ProcessHandle.current().pid() + "</span>")
          .doesNotContain("{{", "src=\"http", "href=\"http");
      ctx.completeNow();
    })));
  }

  @Test
  void infoDescribesTheProcess(VertxTestContext ctx) {
    get("/api/info").onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertThat(reply.status()).isEqualTo(200);
      JsonObject info = reply.body().toJsonObject();
      assertThat(info.getString("id")).isEqualTo("ws-7");
      assertThat(info.getLong("pid")).isEqualTo(ProcessHandle.current().pid());
      assertThat(info.getString("startedAt")).isNotBlank();
      assertThat(info.getString("dir")).isEqualTo(dir.resolve("data").toString());
      ctx.completeNow();
    })));
  }

  @Test
  void createsItsDataDirectoryAndAnswersHealthChecks(VertxTestContext ctx) {
    get("/healthz").onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.text()).isEqualTo("ok");
      assertThat(dir.resolve("data")).isDirectory();
      ctx.completeNow();
    })));
  }

  @Test
  void everythingElseIsNotFound(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(3);
    for (String uri : new String[] {"/nope", "/api", "/index.html"}) {
      get(uri).onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertThat(reply.status()).as(uri).isEqualTo(404);
        checkpoint.flag();
      })));
    }
  }

  @Test
  void theDemoHasNoAssignHookOfItsOwn(VertxTestContext ctx) {
    // a warm member is the agent, which starts the demo for its workspace; the demo serves that one from its start
    DemoServers.send(client, port, HttpMethod.POST, "/wsgate/assign",
            io.vertx.core.buffer.Buffer.buffer("{\"workspace\":\"other\",\"dataDir\":\"/tmp/x\"}"))
        .compose(reply -> {
          ctx.verify(() -> assertThat(reply.status()).isEqualTo(404));
          return get("/api/info");
        })
        .onComplete(ctx.succeeding(info -> ctx.verify(() -> {
          assertThat(new io.vertx.core.json.JsonObject(info.body()).getString("id")).isEqualTo("ws-7");
          ctx.completeNow();
        })));
  }

  @Test
  void wrongMethodIsRefusedWithAllow(VertxTestContext ctx) {
    DemoServers.send(client, port, HttpMethod.DELETE, "/api/note", null)
        .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
          assertThat(reply.status()).isEqualTo(405);
          assertThat(reply.header("Allow")).isEqualTo("GET, HEAD, PUT");
          ctx.completeNow();
        })));
  }

  @Test
  void echoPathWithoutUpgradeAsksForWebSocket(VertxTestContext ctx) {
    get("/ws/echo").onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
      assertThat(reply.status()).isEqualTo(426);
      ctx.completeNow();
    })));
  }

  private Future<Reply> get(String uri) {
    return DemoServers.send(client, port, HttpMethod.GET, uri, null);
  }
}
