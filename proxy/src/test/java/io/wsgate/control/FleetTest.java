package io.wsgate.control;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A test class on {@link FleetFixture}: each test gets a fresh fixture in its own directory, closed after it. */
abstract class FleetTest {

  @TempDir
  Path tmp;
  FleetFixture f;

  @BeforeEach
  void startFixture() {
    f = new FleetFixture(tmp);
  }

  @AfterEach
  void closeFixture() {
    f.close();
  }
}
