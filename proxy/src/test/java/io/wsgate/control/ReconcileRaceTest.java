package io.wsgate.control;

import io.wsgate.proxy.Gateway;
import io.wsgate.proxy.Http;
import io.wsgate.testing.Eventually;
import io.wsgate.testing.InProcessProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reconcile compares what the provider runs with what Redis knows. Listing takes time (ECS pages through
 * ListTasks and DescribeTasks), and workspaces keep becoming ready meanwhile: one that got its route while the
 * listing was under way must keep it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReconcileRaceTest extends FleetTest {

  @Test
  void aWorkspaceThatBecameReadyWhileTheProviderListedKeepsItsRoute() throws Exception {
    Gateway g = f.start(f.config());
    Http http = f.http(g);
    Eventually.await(f.vertx, Duration.ofSeconds(60), "leads", () -> g.control().tick().await().leader());

    // whichever tick reconciles next takes its listing and waits; ticks never overlap, so until the listing is
    // released no other reconcile runs
    InProcessProvider.ListHold hold = f.provider.holdNextList();
    f.clock.advance(Duration.ofSeconds(1));
    g.control().tick();
    hold.taken().future().await(60, TimeUnit.SECONDS);
    // launched and routed after the listing was taken, before it answered
    assertThat(http.get("ws-late.localhost", "/whoami").await(60, TimeUnit.SECONDS).text()).isEqualTo("late");
    hold.release().complete();
    // the second call starts after the held tick is done (the first may join it)
    g.control().tick().await(60, TimeUnit.SECONDS);
    g.control().tick().await(60, TimeUnit.SECONDS);

    assertThat(f.workspace(g, "late")).containsEntry("state", "running").containsKey("port");
    assertThat(http.get("ws-late.localhost", "/whoami").await(60, TimeUnit.SECONDS).text()).isEqualTo("late");
    assertThat(f.provider.launches()).isEqualTo(1);
  }
}
