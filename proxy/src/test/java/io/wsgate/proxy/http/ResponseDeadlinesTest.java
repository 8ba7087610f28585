package io.wsgate.proxy.http;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.wsgate.testing.OnContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-event-loop response deadlines on a real Vert.x event loop: requests time out oldest first, each after the
 * whole timeout and never before, one whose head arrived never times out and leaves the list at once (so nothing is
 * held after its answer), and requests sent after the timer was armed still get theirs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResponseDeadlinesTest {

  private static final long TIMEOUT_MS = 300;

  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** A request: records when it timed out (on the event loop), and says when {@code expected} have. */
  private static final class Request extends ResponseDeadlines.Waiting {
    final String name;
    final List<String> log;
    final int expected;
    final Promise<Void> all;
    long timedOutAt;

    Request(String name, List<String> log, int expected, Promise<Void> all) {
      this.name = name;
      this.log = log;
      this.expected = expected;
      this.all = all;
    }

    Request(String name, List<String> log) {
      this(name, log, Integer.MAX_VALUE, Promise.promise());
    }

    @Override
    void timedOut() {
      timedOutAt = System.nanoTime();
      log.add(name);
      if (log.size() == expected) {
        all.complete();
      }
    }
  }

  private <T> T onLoop(Callable<T> action) {
    return OnContext.call(loop, action);
  }

  @Test
  void theOldestTimesOutFirstAfterTheWholeTimeoutAndAnAnsweredOneNever() throws Exception {
    List<String> log = new ArrayList<>();
    Promise<Void> both = Promise.promise();
    ResponseDeadlines deadlines = onLoop(() -> new ResponseDeadlines(vertx, TIMEOUT_MS));
    Request a = new Request("a", log, 2, both);
    Request answered = new Request("answered", log, 2, both);
    Request c = new Request("c", log, 2, both);
    onLoop(() -> {
      long now = System.nanoTime();
      deadlines.add(a, now);
      deadlines.add(answered, now);
      // sent later: its deadline comes after the timer armed for the first
      deadlines.add(c, now + TimeUnit.MILLISECONDS.toNanos(100));
      deadlines.remove(answered);
      deadlines.remove(answered); // harmless twice
      return null;
    });
    both.future().await(30, TimeUnit.SECONDS);
    long countedAfter = onLoop(() -> (long) log.size());
    assertThat(countedAfter).isEqualTo(2);
    assertThat(log).containsExactly("a", "c");
    assertThat(a.timedOutAt - a.sentNanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS));
    assertThat(c.timedOutAt - c.sentNanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS));
    assertThat(answered.timedOutAt).isZero();
    assertThat(onLoop(deadlines::waiting)).isZero();
  }

  @Test
  void answeredRequestsLeaveTheListAtOnce() {
    List<String> log = new ArrayList<>();
    ResponseDeadlines deadlines = onLoop(() -> new ResponseDeadlines(vertx, 60_000));
    int left = onLoop(() -> {
      Request slow = new Request("slow", log);
      deadlines.add(slow, System.nanoTime());
      for (int i = 0; i < 10_000; i++) {
        Request r = new Request("r" + i, log);
        deadlines.add(r, System.nanoTime());
        deadlines.remove(r);
      }
      return deadlines.waiting();
    });
    assertThat(left).as("only the request still waiting is held").isEqualTo(1);
    assertThat(log).isEmpty();
  }
}
