package io.wsgate.loadtest;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CoreDsl;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What every simulation shares: one student per workspace, the HTTP protocol that keeps all traffic on the
 * gateway's loopback address, and how students arrive.
 *
 * <p>Session attributes a student carries: {@code n} (1..users), {@code workspace} ({@code load-<n>}),
 * {@code base} ({@code http://ws-load-<n>.<domain>:<port>}, also the WebSocket {@code Origin}), {@code wsBase}, and
 * {@code leavesAt} once {@link #arrive} ran.
 */
final class Students {

  private Students() {
  }

  /** A fresh feeder with one record per student; each scenario needs its own, as a feeder is used up. */
  static Iterator<Map<String, Object>> feeder(LoadSettings settings) {
    return IntStream.rangeClosed(1, settings.users())
        .mapToObj(n -> Map.<String, Object>of(
            "n", n,
            "workspace", settings.workspace(n),
            "base", settings.httpBase(n),
            "wsBase", settings.wsBase(n)))
        .iterator();
  }

  /**
   * The HTTP protocol: every workspace host name connects to the gateway's address (the names need not
   * resolve), each student has their own connections like a browser, and nothing reaches beyond loopback: the
   * warm-up request Gatling would send to its own web site is off. Gatling's own reconnect (at once, no backoff)
   * is off: a typing student opens a new socket after a backoff, as a browser IDE's tab does ({@link Typing}).
   */
  static HttpProtocolBuilder protocol(LoadSettings settings) {
    return http
        .hostNameAliases(settings.hostNameAliases())
        .disableWarmUp()
        .disableCaching()
        .userAgentHeader("wsgate-loadtest (Gatling)");
  }

  /** Notes when the student will leave: their stay, cold start included, lasts the duration from arrival. */
  /** A scenario of students: each takes the next workspace, arrives, then does {@code what}. */
  static ScenarioBuilder scenario(String name, LoadSettings settings, ChainBuilder what) {
    return CoreDsl.scenario(name).feed(feeder(settings)).exec(arrive(settings)).exec(what);
  }

  static ChainBuilder arrive(LoadSettings settings) {
    return exec(session -> session.set("leavesAt", System.nanoTime() + settings.duration().toNanos()));
  }

  /**
   * Whether the student is still there, for an {@code asLongAs} loop. Counting from arrival rather than from the
   * end of the cold start keeps a whole run within ramp + duration however long the launches take.
   */
  static boolean staying(Session session) {
    return System.nanoTime() - session.getLong("leavesAt") < 0;
  }

  /** Students arrive evenly over the ramp, or all at once when it is zero. */
  static OpenInjectionStep arrivals(LoadSettings settings) {
    return settings.ramp().isZero()
        ? atOnceUsers(settings.users())
        : rampUsers(settings.users()).during(settings.ramp());
  }
}
