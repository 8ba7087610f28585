package io.wsgate.control;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.wsgate.Main;
import io.wsgate.config.ConfigLoader;
import io.wsgate.config.GatewayConfig;
import io.wsgate.proxy.Gateway;
import io.wsgate.proxy.Http;
import io.wsgate.testing.Eventually;
import io.wsgate.time.ManualClock;
import io.wsgate.testing.RedisFixture;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway killed (SIGKILL) in the middle of a launch leaves a workspace process that nothing in Redis will ever
 * route to; the leader's reconcile finds it and stops it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OrphanCleanupTest {

  private static final Pattern PORT = Pattern.compile("wsgate is running on port (\\d+)");

  @TempDir
  Path tmp;

  @Test
  void processOfAGatewayKilledMidLaunchIsStopped() throws Exception {
    // the workspace never becomes ready, so the launch is still under way when its gateway dies
    Map<String, String> env = TestConfigs.backendProcessEnv(tmp, "--ready-after 600000", "WSGATE_CONTROL_INTERVAL",
        "1h", "WSGATE_RECONCILE_INTERVAL", "1ms", "WSGATE_LAUNCH_TIMEOUT", "60s", "WSGATE_LEADER_LEASE", "2s");
    GatewayConfig config = ConfigLoader.load(env);
    Vertx vertx = Vertx.vertx();
    Process doomed = null;
    List<ProcessHandle> workspaces = List.of();
    try (RedisFixture redis = RedisFixture.start()) {
      // the launching gateway is a process of its own, so that it can be killed for real: no failure handler of
      // its launch gets to stop the workspace on the way down
      Path log = tmp.resolve("doomed.log");
      ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m",
          "-cp", System.getProperty("java.class.path"), Main.class.getName())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      pb.environment().put("WSGATE_REDIS_URL", redis.url());
      doomed = pb.start();
      Eventually.await(vertx, Duration.ofSeconds(60), "the doomed gateway is up", () -> port(log) > 0);
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      new Http(client, port(log)).get("ws-halfway.localhost", "/api/first"); // held until ready: never answered

      ManualClock clock = new ManualClock(Instant.now());
      Gateway b = Gateway.start(vertx, config, redis.url(), Gateway.Dependencies.defaults().withClock(clock)).await();
      Eventually.await(vertx, Duration.ofSeconds(60), "the process started",
          () -> !b.provider().list().await().isEmpty());
      workspaces = doomed.toHandle().descendants().toList();
      doomed.destroyForcibly().onExit().get(30, TimeUnit.SECONDS);

      Eventually.await(vertx, Duration.ofSeconds(60), "B leads", () -> b.control().tick().await().leader());
      // while the launch could still be alive, the process is left alone
      clock.advance(Duration.ofSeconds(1));
      assertThat(b.control().tick().await().reconciled().orphansStopped()).isZero();
      assertThat(b.provider().list().await()).hasSize(1);
      clock.advance(Duration.ofMinutes(5)); // past launch timeout + lock margin: that launch is dead
      Reconciler.Result first = b.control().tick().await().reconciled();
      assertThat(first.orphansStopped()).as("first sighting only marks it").isZero();
      assertThat(first.suspects()).isEqualTo(1);
      clock.advance(Duration.ofMinutes(1));
      Reconciler.Result second = b.control().tick().await().reconciled();
      assertThat(second.orphansStopped()).isEqualTo(1);
      assertThat(b.provider().list().await()).isEmpty();
      assertThat(workspaces).isNotEmpty().allSatisfy(w -> assertThat(w.isAlive()).as("pid " + w.pid()).isFalse());
      b.stop(false).await();
    } finally {
      if (doomed != null) {
        doomed.destroyForcibly();
      }
      workspaces.forEach(ProcessHandle::destroyForcibly);
      vertx.close().await();
    }
  }

  /** The port the gateway printed in its banner, or 0 before it did. */
  private static int port(Path log) {
    try {
      Matcher m = PORT.matcher(Files.exists(log) ? Files.readString(log) : "");
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
