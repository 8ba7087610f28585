package io.wsgate.proxy.http;

import io.vertx.core.Vertx;

/**
 * How long a workspace may keep a request waiting for its response head, for all the requests of one event loop:
 * each request sent upstream joins a list in the order it was sent and leaves it when its head arrives (or it ends
 * otherwise), and one timer, armed for the oldest, times out those that waited {@code timeout}. Every request waits
 * the same time, so the list is in deadline order and only its head needs a timer: one timer per timeout period and
 * event loop under steady traffic, instead of a timer set and cancelled per request. Not thread-safe: one per event
 * loop ({@link PerEventLoop}), used only on it.
 */
final class ResponseDeadlines {

  /** A request waiting for its response head: a node of the list. */
  abstract static class Waiting {
    private Waiting prev;
    private Waiting next;
    private boolean listed;
    long sentNanos;

    /** Called once, on the event loop, when the request waited the whole timeout. */
    abstract void timedOut();
  }

  private final Vertx vertx;
  private final long timeoutNanos;
  private Waiting oldest;
  private Waiting newest;
  private boolean armed;

  ResponseDeadlines(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutNanos = timeoutMs * 1_000_000;
  }

  /** {@code w} was sent upstream at {@code sentNanos} ({@link System#nanoTime}). */
  void add(Waiting w, long sentNanos) {
    w.sentNanos = sentNanos;
    w.prev = newest;
    w.next = null;
    w.listed = true;
    if (newest == null) {
      oldest = w;
    } else {
      newest.next = w;
    }
    newest = w;
    if (!armed) {
      arm(timeoutNanos);
    }
  }

  /** {@code w}'s head arrived, or it ended otherwise; harmless if it is not listed. */
  void remove(Waiting w) {
    if (!w.listed) {
      return;
    }
    w.listed = false;
    if (w.prev == null) {
      oldest = w.next;
    } else {
      w.prev.next = w.next;
    }
    if (w.next == null) {
      newest = w.prev;
    } else {
      w.next.prev = w.prev;
    }
    w.prev = null;
    w.next = null;
  }

  private void arm(long delayNanos) {
    armed = true;
    vertx.setTimer(Math.max(1, (delayNanos + 999_999) / 1_000_000), t -> expire());
  }

  private void expire() {
    armed = false;
    long now = System.nanoTime();
    while (oldest != null) {
      long left = oldest.sentNanos + timeoutNanos - now;
      if (left > 0) {
        arm(left);
        return;
      }
      Waiting w = oldest;
      remove(w);
      w.timedOut();
    }
  }

  /** How many requests wait; for tests. */
  int waiting() {
    int n = 0;
    for (Waiting w = oldest; w != null; w = w.next) {
      n++;
    }
    return n;
  }
}
