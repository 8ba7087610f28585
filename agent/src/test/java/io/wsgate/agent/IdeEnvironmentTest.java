package io.wsgate.agent;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the agent keeps from the IDE, which runs a student's code, and what it passes on. */
class IdeEnvironmentTest {

  @Test
  void theAssignSecretAndTheTaskCredentialsStayWithTheAgent() {
    Map<String, String> agent = Map.of(
        "WSGATE_ASSIGN_SECRET", "member-secret",
        "WSGATE_AGENT_IDE", "code-server",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/0f2c6a41-task-role",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "token",
        "ECS_CONTAINER_METADATA_URI_V4", "http://169.254.170.2/v4/abc",
        "ECS_CONTAINER_METADATA_URI", "http://169.254.170.2/v3/abc",
        "PATH", "/usr/local/bin:/usr/bin",
        "SUPERSET_SECRET_KEY", "the IDE's own secret",
        "AWS_REGION", "eu-west-1");

    Map<String, String> ide = IdeProcess.environment(agent, Map.of("WSGATE_WORKSPACE_ID", "alice", "HOME", "/w/alice"));

    assertThat(ide).containsOnly(
        Map.entry("PATH", "/usr/local/bin:/usr/bin"),
        Map.entry("SUPERSET_SECRET_KEY", "the IDE's own secret"),
        Map.entry("AWS_REGION", "eu-west-1"),
        Map.entry("WSGATE_WORKSPACE_ID", "alice"),
        Map.entry("HOME", "/w/alice"));
  }
}
