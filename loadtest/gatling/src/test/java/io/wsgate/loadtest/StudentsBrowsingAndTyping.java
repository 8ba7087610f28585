package io.wsgate.loadtest;

import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Both at once, on the same workspaces: for each student one virtual user browses and another types, arriving
 * together, so a cold workspace gets a held API call and a held WebSocket upgrade at about the same time and must
 * launch once for both. Only correctness is asserted.
 *
 * <p>Run: {@code mvn -B -pl loadtest/gatling gatling:test
 * -Dgatling.simulationClass=io.wsgate.loadtest.StudentsBrowsingAndTyping} (parameters: {@link LoadSettings}).
 */
public class StudentsBrowsingAndTyping extends Simulation {

  /** Sets up the run from the system properties. */
  public StudentsBrowsingAndTyping() {
    LoadSettings settings = LoadSettings.fromSystemProperties();
    System.out.println("StudentsBrowsingAndTyping: " + settings);
    ScenarioBuilder browsing = Students.scenario("students browsing", settings, Browsing.student(settings));
    ScenarioBuilder typing = Students.scenario("students typing", settings, Typing.student());
    setUp(
        browsing.injectOpen(Students.arrivals(settings)),
        typing.injectOpen(Students.arrivals(settings)))
        .protocols(Students.protocol(settings))
        .maxDuration(settings.maxRunTime())
        .assertions(global().failedRequests().count().is(0L));
  }
}
