package io.wsgate.config;

import java.util.List;

/** Startup configuration is wrong; {@link #problems()} says what to fix, one line per problem. */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
