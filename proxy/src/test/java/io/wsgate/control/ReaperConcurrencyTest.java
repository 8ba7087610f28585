package io.wsgate.control;

import io.wsgate.proxy.Gateway;
import io.wsgate.proxy.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A provider error on one workspace does not keep the reaper from stopping the others; active ones stay. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReaperConcurrencyTest extends FleetTest {

  @Test
  void oneFailedStopDoesNotBlockTheRest() {
    f.provider.failStopOf("idle3");
    Gateway g = f.start(f.config("WSGATE_REAP_CONCURRENCY", "2"));
    Http http = f.http(g);
    for (String id : new String[] {"idle1", "idle2", "idle3", "idle4", "idle5", "busy"}) {
      assertThat(http.get("ws-" + id + ".localhost", "/echo").await().status()).isEqualTo(200);
    }
    g.activity().flush().await();
    f.clock.advance(Duration.ofMinutes(20));
    assertThat(http.get("ws-busy.localhost", "/echo").await().status()).isEqualTo(200);
    g.activity().flush().await();
    f.clock.advance(Duration.ofMinutes(15));

    Reaper.Result r = g.control().tick().await().reaped();
    assertThat(r.running()).isEqualTo(6);
    assertThat(r.stopped()).isEqualTo(4);
    assertThat(r.errors()).isEqualTo(1);
    assertThat(f.provider.running()).isEqualTo(2);
    assertThat(http.get("ws-busy.localhost", "/echo").await().status()).isEqualTo(200);
  }
}
