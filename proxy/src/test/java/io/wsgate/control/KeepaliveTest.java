package io.wsgate.control;

import io.vertx.core.Vertx;
import io.wsgate.activity.ActivityTracker;
import io.wsgate.activity.WebSocketActivity;
import io.wsgate.config.Profile;
import io.wsgate.store.ActivityStore;
import io.wsgate.store.RedisStore;
import io.wsgate.testing.MutableClock;
import io.wsgate.testing.RedisFixture;
import io.wsgate.workspace.WorkspaceId;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

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

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
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
