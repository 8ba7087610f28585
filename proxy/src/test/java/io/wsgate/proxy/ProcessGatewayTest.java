package io.wsgate.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * A test class on {@link ProcessGateways}: each test gets its own Redis and directory, with gateways whose
 * workspaces are real processes, all stopped after it.
 */
abstract class ProcessGatewayTest {

  @TempDir
  Path tmp;
  ProcessGateways env;

  @BeforeEach
  void startEnvironment() {
    env = new ProcessGateways(tmp);
  }

  @AfterEach
  void closeEnvironment() {
    env.close();
  }
}
