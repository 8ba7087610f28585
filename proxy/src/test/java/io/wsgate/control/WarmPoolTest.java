package io.wsgate.control;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.wsgate.proxy.Gateway;
import io.wsgate.proxy.Http;
import io.wsgate.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Cold starts take warm pool members first, each member exactly once, and the pool follows its schedule. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class WarmPoolTest extends FleetTest {

  /** Three warm members on Monday mornings, none otherwise. */
  static final String[] POOL = {"WSGATE_PROFILE_DEMO_POOL_SCHEDULE", "mon 00:00-12:00 3, * 0",
      "WSGATE_PROFILE_DEMO_ASSIGN_PATH", "/wsgate/assign"};

  private Gateway poolOfThree() throws Exception {
    Gateway g = f.start(f.config(POOL));
    // the control verticle ticks once at start, and the test's own ticks may join it: wait for the outcome
    Eventually.await(f.vertx, Duration.ofSeconds(60), "three members ready",
        () -> g.control().tick().await().pool().profiles().get("demo").ready() == 3);
    assertThat(f.provider.poolLaunches()).isEqualTo(3);
    return g;
  }

  @Test
  void hundredConcurrentColdStartsClaimEachOfThreeMembersOnce() throws Exception {
    Gateway g = poolOfThree();
    // the lease is given up for good (a tick on its way cannot take it back): no replacement can be claimed
    g.control().lease().release().await();
    Http http = f.http(g);
    List<Future<Http.Response>> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      all.add(http.get("ws-student" + i + ".localhost", "/whoami"));
    }
    Future.all(all).await(180, TimeUnit.SECONDS);
    int warm = 0;
    Set<String> warmRefs = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      Http.Response r = all.get(i).result();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).as("the workspace knows who it serves").isEqualTo("student" + i);
      Map<String, String> ws = f.workspace(g, "student" + i);
      if ("warm".equals(ws.get("source"))) {
        warm++;
        assertThat(warmRefs.add(ws.get("ref"))).as("member " + ws.get("ref") + " given once").isTrue();
      } else {
        assertThat(ws.get("source")).isEqualTo("cold");
      }
    }
    assertThat(warm).isEqualTo(3);
    assertThat(f.provider.poolLaunches()).isEqualTo(3);
    assertThat(f.provider.launches()).isEqualTo(97);
  }

  @Test
  void claimStartsAReplacementAtOnce() throws Exception {
    Gateway g = poolOfThree();
    assertThat(f.http(g).get("ws-first.localhost", "/whoami").await().text()).isEqualTo("first");
    assertThat(f.workspace(g, "first").get("source")).isEqualTo("warm");
    // the claim's pool event makes the leader top up without waiting for its next tick (an hour away here)
    Eventually.await(f.vertx, Duration.ofSeconds(60), "a replacement member launched",
        () -> f.provider.poolLaunches() == 4);
    Eventually.await(f.vertx, Duration.ofSeconds(60), "three members ready again",
        () -> g.control().tick().await().pool().profiles().get("demo").ready() == 3);
  }

  @Test
  void surplusIsStoppedOldestFirstWhenTheTargetDrops() throws Exception {
    Gateway g = poolOfThree();
    f.clock.advance(Duration.ofHours(3));
    // a tick under way (one a pool event started) may have read the clock before it moved, and a tick joins the one
    // under way: the next one sees the new time
    Eventually.await(f.vertx, Duration.ofSeconds(60), "the target dropped to 0",
        () -> g.control().tick().await().pool().profiles().get("demo").target() == 0);
    Eventually.await(f.vertx, Duration.ofSeconds(60), "all three stopped", () -> f.provider.running() == 0);
    assertThat(f.provider.poolLaunches()).isEqualTo(3);
  }

  @Test
  void failedAssignHookFallsBackToAFreshLaunch() throws Exception {
    f.provider.poolAssignFails();
    Gateway g = poolOfThree();
    // no control loop from here: no replacement after the failed claim, and no surplus stop racing it
    g.control().lease().release().await();
    Http.Response r = f.http(g).get("ws-unlucky.localhost", "/whoami").await(60, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("unlucky");
    assertThat(f.workspace(g, "unlucky").get("source")).isEqualTo("cold");
    assertThat(f.provider.launches()).isEqualTo(1);
    assertThat(f.provider.poolLaunches()).isEqualTo(3);
  }

  /**
   * The workspace agent answers an assignment only once its IDE answers (Superset creates a new student's database
   * first): a member that takes longer than the old fixed 10 s is still claimed, not abandoned for a cold launch.
   */
  @Test
  void slowAssignmentIsWaitedFor() throws Exception {
    f.provider.poolAssignAnswersAfter(12_000);
    Gateway g = poolOfThree();
    // no control loop from here: nothing may stop the member while it takes its time
    g.control().lease().release().await();
    Http.Response r = f.http(g).get("ws-patient.localhost", "/whoami").await(60, TimeUnit.SECONDS);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("patient");
    assertThat(f.workspace(g, "patient").get("source")).isEqualTo("warm");
    assertThat(f.provider.launches()).as("cold launches").isZero();
    // the launch log and wsgate.launch.duration count the claim's wait, not only what came after it
    Eventually.await(f.vertx, Duration.ofSeconds(30), "the launch is logged", () -> launchLogged(g, "patient") != null);
    JsonObject logged = launchLogged(g, "patient");
    assertThat(logged.getString("source")).isEqualTo("warm");
    assertThat(logged.getLong("durationMs")).isGreaterThanOrEqualTo(12_000L);
    assertThat(logged.getJsonObject("phasesMs").getLong("claim")).isGreaterThanOrEqualTo(12_000L);
  }

  private static JsonObject launchLogged(Gateway g, String workspace) {
    for (var entry : g.store().send(Request.cmd(Command.LRANGE).arg("wsgate:launches").arg(0).arg(-1)).await()) {
      JsonObject launch = new JsonObject(entry.toString());
      if (workspace.equals(launch.getString("workspace"))) {
        return launch;
      }
    }
    return null;
  }

  @Test
  void deadMemberIsTakenOffTheList() throws Exception {
    Gateway g = poolOfThree();
    String victim = f.provider.list().await().get(0).ref();
    f.provider.crash(victim).await();
    Eventually.await(f.vertx, Duration.ofSeconds(60), "a replacement started and is ready", () ->
        g.control().tick().await().pool().profiles().get("demo").ready() == 3 && f.provider.poolLaunches() == 4);
  }
}
