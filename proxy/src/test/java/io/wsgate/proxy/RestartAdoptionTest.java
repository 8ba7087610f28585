package io.wsgate.proxy;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.wsgate.config.GatewayConfig;
import io.wsgate.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A gateway that dies and comes back neither leaks nor forgets the workspace processes it started. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RestartAdoptionTest extends ProcessGatewayTest {


  @Test
  void restartedGatewayKeepsServingTheSameProcess() throws Exception {
    GatewayConfig config = TestConfigs.backendProcess(tmp, "");
    Gateway first = env.start(config);
    assertThat(env.http(first).get("ws-kept.localhost", "/echo").await(120, TimeUnit.SECONDS).status()).isEqualTo(200);
    first.stop(false).await(); // like a crash: the workspace process keeps running

    Gateway second = env.start(config);
    assertThat(env.http(second).get("ws-kept.localhost", "/echo").await(60, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(env.starts("kept")).isEqualTo(1);
    assertThat(second.provider().list().await()).hasSize(1);
  }

  @Test
  void restartWithEmptyRedisAdoptsRunningProcesses() throws Exception {
    GatewayConfig config = TestConfigs.backendProcess(tmp, "");
    Gateway first = env.start(config);
    assertThat(env.http(first).get("ws-amnesia.localhost", "/echo").await(120, TimeUnit.SECONDS).status())
        .isEqualTo(200);
    first.store().send(Request.cmd(Command.FLUSHALL)).await(); // Redis lost everything
    first.stop(false).await();

    Gateway second = env.start(config);
    assertThat(env.http(second).get("ws-amnesia.localhost", "/echo").await(60, TimeUnit.SECONDS).status())
        .isEqualTo(200);
    assertThat(env.starts("amnesia")).isEqualTo(1);
  }
}
