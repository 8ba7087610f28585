package io.wsgate.loadtest;

import static io.gatling.javaapi.core.CoreDsl.global;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Students browsing their own workspaces through the gateway: each student's first call launches their workspace
 * (held until it is up), then they load the page, call the API and save and read back a note, with think time,
 * for the duration. Only correctness is asserted (no failed request); timings are for the report to show.
 *
 * <p>Run: {@code mvn -B -pl loadtest/gatling gatling:test -Dgatling.simulationClass=io.wsgate.loadtest.StudentsBrowsing}
 * (parameters: {@link LoadSettings}).
 */
public class StudentsBrowsing extends Simulation {

  /** Sets up the run from the system properties. */
  public StudentsBrowsing() {
    LoadSettings settings = LoadSettings.fromSystemProperties();
    System.out.println("StudentsBrowsing: " + settings);
    ScenarioBuilder students = Students.scenario("students browsing", settings, Browsing.student(settings));
    setUp(students.injectOpen(Students.arrivals(settings)))
        .protocols(Students.protocol(settings))
        .maxDuration(settings.maxRunTime())
        .assertions(global().failedRequests().count().is(0L));
  }
}
