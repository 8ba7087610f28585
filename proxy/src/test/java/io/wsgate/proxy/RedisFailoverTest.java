package io.wsgate.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.wsgate.provider.ProvisionedWorkspace;
import io.wsgate.testing.Eventually;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestConfigs;
import io.wsgate.workspace.WorkspaceId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis fails over to a replica that missed the last writes, the old primary gone (what a managed Redis does
 * behind its endpoint name: here a TCP forwarder that the test switches from one server to the other). Workspace
 * {@code a} was replicated before the replica fell behind, {@code b} was launched after: the promoted replica knows
 * {@code a} and nothing of {@code b}. Both keep being served, {@code b} is learned back from the provider instead of
 * being launched a second time, reconcile stops nothing, and new launches work on the new primary.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisFailoverTest extends ProcessGatewayTest {

  @Test
  void failoverToAReplicaThatMissedWritesNeverRunsAWorkspaceTwice() throws Exception {
    RedisFixture replica = RedisFixture.start();
    Forwarder endpoint = Forwarder.start(env.vertx, env.redis.server().port());
    try {
      Redis primaryAdmin = Redis.createClient(env.vertx, env.redis.url());
      Redis replicaAdmin = Redis.createClient(env.vertx, replica.url());
      replicaAdmin.send(Request.cmd(Command.REPLICAOF).arg("127.0.0.1").arg(env.redis.server().port())).await();

      Gateway gw = env.start(TestConfigs.backendProcess(tmp, "", "WSGATE_RECONCILE_INTERVAL", "1ms"),
          java.time.Clock.systemUTC(),
          "redis://127.0.0.1:" + endpoint.port());
      Http http = env.http(gw);
      assertThat(http.get("ws-a.localhost", "/echo").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);
      Eventually.await(env.vertx, Duration.ofSeconds(60), "the replica has a's route", () ->
          primaryAdmin.send(Request.cmd(Command.WAIT).arg(1).arg(1000)).await().toInteger() >= 1
              && replicaAdmin.send(Request.cmd(Command.KEYS).arg("*")).await().toString().contains("a"));
      replicaAdmin.send(Request.cmd(Command.REPLICAOF).arg("NO").arg("ONE")).await(); // it misses what follows
      assertThat(http.get("ws-b.localhost", "/echo").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);

      env.redis.server().stop(); // the old primary is gone
      endpoint.switchTo(replica.server().port());

      for (String id : List.of("a", "b")) {
        assertThat(http.get("ws-" + id + ".localhost", "/echo").await().status())
            .as("ws-%s right after the failover", id).isEqualTo(200);
      }
      Eventually.await(env.vertx, Duration.ofSeconds(60), "b's route rebuilt on the new primary from the provider",
          () -> gw.store().read(new WorkspaceId("b")).map(rec -> rec.flatMap(r -> r.route()).isPresent())
              .otherwise(false).await());
      gw.control().tick().await();
      gw.control().tick().await();
      List<ProvisionedWorkspace> running = gw.provider().list().await();
      assertThat(running).extracting(ProvisionedWorkspace::workspaceId).as("reconcile stopped nothing")
          .containsExactlyInAnyOrder("a", "b");
      assertThat(http.get("ws-c.localhost", "/echo").await(120, TimeUnit.SECONDS).status())
          .as("a new launch on the new primary").isEqualTo(200);
      for (String id : List.of("a", "b", "c")) {
        assertThat(http.get("ws-" + id + ".localhost", "/echo").await().status()).isEqualTo(200);
        assertThat(env.starts(id)).as("processes started for %s", id).isEqualTo(1);
      }
    } finally {
      endpoint.close();
      replica.close();
    }
  }

  /** A TCP endpoint that forwards to one Redis and can be pointed at another, dropping every open connection. */
  static final class Forwarder {
    private final Vertx vertx;
    private final NetServer server;
    private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
    private volatile int target;

    private Forwarder(Vertx vertx, NetServer server, int target) {
      this.vertx = vertx;
      this.server = server;
      this.target = target;
    }

    static Forwarder start(Vertx vertx, int target) {
      NetServer server = vertx.createNetServer();
      Forwarder f = new Forwarder(vertx, server, target);
      server.connectHandler(f::forward);
      server.listen(0, "127.0.0.1").await();
      return f;
    }

    int port() {
      return server.actualPort();
    }

    void switchTo(int port) {
      target = port;
      open.forEach(NetSocket::close);
    }

    private void forward(NetSocket client) {
      client.pause();
      open.add(client);
      client.closeHandler(v -> open.remove(client));
      vertx.createNetClient().connect(target, "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          client.close();
          return;
        }
        NetSocket upstream = ar.result();
        open.add(upstream);
        upstream.closeHandler(v -> {
          open.remove(upstream);
          client.close();
        });
        client.closeHandler(v -> {
          open.remove(client);
          upstream.close();
        });
        client.pipeTo(upstream);
        upstream.pipeTo(client);
        client.resume();
      });
    }

    Future<Void> close() {
      open.forEach(NetSocket::close);
      return server.close();
    }
  }
}
