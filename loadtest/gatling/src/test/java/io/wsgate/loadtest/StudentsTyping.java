package io.wsgate.loadtest;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Students typing in their own workspaces: each opens a WebSocket through the gateway (held while a cold
 * workspace launches) and sends a keystroke every 200 to 300 ms for the duration, checking every echo. Asserted:
 * no failure, so every keystroke's echo came back unchanged, and at least one echo per student; timings are for
 * the report to show.
 *
 * <p>Run: {@code mvn -B -pl loadtest/gatling gatling:test -Dgatling.simulationClass=io.wsgate.loadtest.StudentsTyping}
 * (parameters: {@link LoadSettings}).
 */
public class StudentsTyping extends Simulation {

  /** Sets up the run from the system properties. */
  public StudentsTyping() {
    LoadSettings settings = LoadSettings.fromSystemProperties();
    System.out.println("StudentsTyping: " + settings);
    ScenarioBuilder students = Students.scenario("students typing", settings, Typing.student());
    setUp(students.injectOpen(Students.arrivals(settings)))
        .protocols(Students.protocol(settings))
        .maxDuration(settings.maxRunTime())
        .assertions(
            global().failedRequests().count().is(0L),
            details(Typing.ECHO).successfulRequests().count().gte((long) settings.users()));
  }
}
