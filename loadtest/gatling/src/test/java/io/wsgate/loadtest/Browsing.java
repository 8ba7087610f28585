package io.wsgate.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.substring;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import java.time.Duration;

/**
 * A student browsing their workspace's demo page: the first call is an API call to a cold workspace, which the
 * gateway holds until the workspace is up (reported on its own as {@value #COLD_START}); then, until the
 * student's stay is over ({@link Students#staying}), the page, the info API, and a note saved and read back,
 * with think time in between.
 */
final class Browsing {

  /** Request name of the held first call, so that cold starts are reported apart from warm traffic. */
  static final String COLD_START = "cold start: held API call";

  private Browsing() {
  }

  /** What one browsing student does: the held first call, then browsing until the stay is over. */
  static ChainBuilder student(LoadSettings settings) {
    return coldStart().exec(browse(settings));
  }

  /**
   * The first request, held by the gateway while the workspace launches; it must answer for this workspace. A
   * student whose workspace did not come up goes home, so one refusal is one failure, not a loop of them.
   */
  static ChainBuilder coldStart() {
    return exec(http(COLD_START).get("#{base}/api/info")
        .check(status().is(200), jsonPath("$.id").isEL("#{workspace}")))
        .exitHereIfFailed();
  }

  /** Browsing until the student's stay is over. */
  static ChainBuilder browse(LoadSettings settings) {
    Duration thinkMin = settings.think().dividedBy(2);
    Duration thinkMax = settings.think().plus(thinkMin);
    return asLongAs(Students::staying, "browse", true).on(
        exec(http("page").get("#{base}/")
            // Accept: text/html is what a browser sends for a page. The check wants the demo page's own heading
            // with this workspace's id: the gateway's waiting page or another student's workspace fails it.
            .header("Accept", "text/html")
            .check(status().is(200), header("Content-Type").is("text/html; charset=utf-8"),
                substring("<h1 id=\"workspace-id\">#{workspace}</h1>")))
            .pause(thinkMin, thinkMax)
            .exec(http("api info").get("#{base}/api/info")
                .check(status().is(200), jsonPath("$.id").isEL("#{workspace}")))
            .pause(thinkMin, thinkMax)
            .exec(session -> session.set("note",
                "note of " + session.getString("workspace") + " #" + session.userId() + "." + System.nanoTime()))
            .exec(http("save note").put("#{base}/api/note")
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(StringBody("#{note}"))
                .check(status().is(200)))
            .pause(thinkMin, thinkMax)
            .exec(http("read note").get("#{base}/api/note")
                .check(status().is(200), bodyString().isEL("#{note}")))
            .pause(thinkMin, thinkMax));
  }
}
