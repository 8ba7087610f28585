package io.wsgate.control;

import io.vertx.core.Vertx;
import io.wsgate.activity.ActivityTracker;
import io.wsgate.activity.WebSocketActivity;
import io.wsgate.config.Profile;
import io.wsgate.store.ActivityStore;
import io.wsgate.store.RedisStore;
import io.wsgate.time.ManualClock;
import io.wsgate.testing.RedisFixture;
import io.wsgate.workspace.WorkspaceId;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Messages that are periodic keepalives, tiny, or from the workspace do not keep a workspace alive. */
class KeepaliveTest {

  static Vertx vertx;
  static RedisFixture redis;
  static ActivityStore store;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = RedisFixture.start();
    store = new ActivityStore(new RedisStore(Redis.createClient(vertx, redis.url()), Duration.ofSeconds(5)));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    redis.close();
  }

  private final ManualClock clock = new ManualClock(FleetFixture.MONDAY_10);
  private final ActivityTracker tracker = new ActivityTracker(store, clock::millis);

  private int flush() {
    return tracker.flush().await();
  }

  @Test
  void steadySameSizeMessagesStopCountingOnceTheRhythmShows() {
    WebSocketActivity ws = tracker.webSocket(new WorkspaceId("keep"), Profile.ActivityPolicy.DEFAULT);
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(5));
      ws.clientFrame(13, true);
    }
    assertThat(flush()).as("the first three could be typing").isEqualTo(1);
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofMillis(5000 + (i % 2) * 200));
      ws.clientFrame(13, true);
    }
    assertThat(flush()).as("a steady 5 s rhythm of 13-byte messages is a keepalive").isZero();
    clock.advance(Duration.ofMillis(700));
    ws.clientFrame(212, true);
    assertThat(flush()).as("a keystroke counts").isEqualTo(1);
  }

  @Test
  void interleavedHeartbeatsOfDifferentSizesAreEachRecognised() {
    WebSocketActivity ws = tracker.webSocket(new WorkspaceId("vscode"), Profile.ActivityPolicy.DEFAULT);
    // a 13-byte heartbeat every 5 s and a 240-byte one every 15 s on the same socket, as an idle VS Code tab sends
    for (int t = 5; t <= 60; t += 5) {
      clock.advance(Duration.ofSeconds(5));
      ws.clientFrame(13, true);
      if (t % 15 == 0) {
        ws.clientFrame(240, true);
      }
    }
    flush();
    for (int t = 5; t <= 60; t += 5) {
      clock.advance(Duration.ofSeconds(5));
      ws.clientFrame(13, true);
      if (t % 15 == 0) {
        ws.clientFrame(240, true);
      }
    }
    assertThat(flush()).as("an idle tab's heartbeats").isZero();
    clock.advance(Duration.ofMillis(2300));
    ws.clientFrame(240, true);
    assertThat(flush()).as("a 240-byte message out of rhythm is typing").isEqualTo(1);
  }

  @Test
  void heartbeatsInBurstsStayHeartbeatsAcrossThePauses() {
    // an idle VS Code tab measures its latency with five 38-byte pings two seconds apart, once a minute
    WebSocketActivity ws = tracker.webSocket(new WorkspaceId("bursts"), Profile.ActivityPolicy.DEFAULT);
    int counted = 0;
    for (int burst = 0; burst < 10; burst++) {
      clock.advance(Duration.ofSeconds(52));
      for (int ping = 0; ping < 5; ping++) {
        clock.advance(Duration.ofMillis(2000 + ping * 7));
        ws.clientFrame(38, true);
        counted += flush();
      }
      if (burst == 0) {
        assertThat(counted).as("the first burst shows the rhythm; its first pings could be typing").isEqualTo(3);
      }
    }
    assertThat(counted).as("nine more bursts, none counted").isEqualTo(3);
    clock.advance(Duration.ofMillis(400));
    ws.clientFrame(38, true);
    assertThat(flush()).as("a 38-byte message sooner than the pings' period is not a ping").isEqualTo(1);
    clock.advance(Duration.ofMillis(2000));
    ws.clientFrame(38, true);
    assertThat(flush()).as("after that, the rhythm must show again before 38 bytes are ignored").isEqualTo(1);
  }

  /**
   * A real code-server tab, replayed: the client messages of code-server 4.99.4 in headless Chromium (see the
   * trace file's header), through the policy the README recommends for code-server profiles.
   */
  @Test
  void recordedCodeServerTabIdlesOutWhileTypingCounts() throws Exception {
    Profile.ActivityPolicy codeServer = new Profile.ActivityPolicy(false, 13, true);
    Map<String, WebSocketActivity> sockets = new HashMap<>();
    Map<String, Integer> counted = new HashMap<>();
    long idleEnd = 0;
    long lastCountedInIdle = 0;
    Instant start = clock.instant();
    try (var in = getClass().getResourceAsStream("/traces/code-server-4.99.4-tab.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t");
        long ms = Long.parseLong(f[0]);
        String phase = f[3];
        clock.set(start.plusMillis(ms));
        sockets.computeIfAbsent(f[1], k -> tracker.webSocket(new WorkspaceId("trace"), codeServer))
            .clientFrame(Integer.parseInt(f[2]), true);
        if (flush() == 1) {
          counted.merge(phase, 1, Integer::sum);
          if (phase.equals("idle")) {
            lastCountedInIdle = ms;
          }
        }
        if (phase.equals("idle")) {
          idleEnd = ms;
        }
      }
    }
    // untouched for 8 minutes: two one-off messages early on (the window losing focus at 74 s, an extension
    // query at 308 s), never the latency pings every minute (20 counted before they were recognised in bursts)
    assertThat(counted.get("idle")).as("idle messages counted").isLessThanOrEqualTo(2);
    assertThat(idleEnd - lastCountedInIdle).as("ms of silence at the end of the idle phase")
        .isGreaterThan(180_000);
    assertThat(counted.get("editor")).as("typing in the editor").isGreaterThanOrEqualTo(10);
    assertThat(counted.get("terminal")).as("typing in the terminal").isGreaterThanOrEqualTo(10);
  }

  @Test
  void irregularMessagesAlwaysCount() {
    WebSocketActivity ws = tracker.webSocket(new WorkspaceId("typing"), Profile.ActivityPolicy.DEFAULT);
    long[] gaps = {1200, 3100, 1500, 4200, 1100, 2500};
    for (long gap : gaps) {
      clock.advance(Duration.ofMillis(gap));
      ws.clientFrame(40, true);
      assertThat(flush()).isEqualTo(1);
    }
  }

  @Test
  void fragmentsMakeOneMessage() {
    WebSocketActivity ws = tracker.webSocket(new WorkspaceId("frag"),
        new Profile.ActivityPolicy(false, 100, false));
    ws.clientFrame(60, false);
    assertThat(flush()).isZero();
    ws.clientFrame(60, true);
    assertThat(flush()).as("120 bytes in two fragments is above the 100-byte minimum").isEqualTo(1);
  }

  @Test
  void workspaceTrafficCountsOnlyWhenThePolicySaysSo() {
    WebSocketActivity clientOnly = tracker.webSocket(new WorkspaceId("quiet"), Profile.ActivityPolicy.DEFAULT);
    clientOnly.workspaceFrame(500, true);
    assertThat(flush()).isZero();
    WebSocketActivity both = tracker.webSocket(new WorkspaceId("chatty"), new Profile.ActivityPolicy(true, 0, true));
    both.workspaceFrame(500, true);
    assertThat(flush()).isEqualTo(1);
  }

  @Test
  void smallMessagesBelowTheMinimumNeverCount() {
    WebSocketActivity ws = tracker.webSocket(new WorkspaceId("tiny"), new Profile.ActivityPolicy(false, 13, false));
    ws.clientFrame(13, true);
    assertThat(flush()).isZero();
    ws.clientFrame(14, true);
    assertThat(flush()).isEqualTo(1);
  }
}
