package io.wsgate.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent's settings: ready configurations, flags over the environment, and every problem reported at once. */
class AgentSettingsTest {

  @Test
  void codeServerIsAReadyConfiguration() {
    AgentSettings s = AgentSettings.parse(new String[0], Map.of("WSGATE_AGENT_IDE", "code-server", "PORT", "8080",
        "WSGATE_ASSIGN_SECRET", "s3cret-s3cret-s3cret"));
    assertThat(s.ideName()).isEqualTo("code-server");
    assertThat(s.readinessPath()).isEqualTo("/healthz");
    assertThat(s.assignPath()).isEqualTo("/wsgate/assign");
    assertThat(s.isolation()).isEqualTo(Isolation.AUTO);
    assertThat(s.readyTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(s.cold()).isEmpty();
    assertThat(s.shell()).isEqualTo(Path.of(Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/bin/sh"));
    assertThat(s.command().render(Map.of()).get(0)).isEqualTo("sh");
    assertThat(s.toString()).doesNotContain("s3cret").contains("assign secret set");
  }

  @Test
  void flagsWinOverTheEnvironmentAndAColdStartNeedsItsDirectory() {
    AgentSettings s = AgentSettings.parse(new String[] {"--port", "9000", "--readiness-path=/ready",
        "--command", "my-ide --port {port}", "--isolation", "required", "--workspace", "alice",
        "--data-dir", "/mnt/efs/alice"}, Map.of("PORT", "8080", "WSGATE_AGENT_READINESS_PATH", "/x"));
    assertThat(s.port()).isEqualTo(9000);
    assertThat(s.readinessPath()).isEqualTo("/ready");
    assertThat(s.command().render(Map.of("port", "9000"))).isEqualTo(List.of("my-ide", "--port", "9000"));
    assertThat(s.isolation()).isEqualTo(Isolation.REQUIRED);
    assertThat(s.cold().orElseThrow().dir()).isEqualTo(Path.of("/mnt/efs/alice"));
  }

  @Test
  void everyProblemIsReportedOnItsOwnLine() {
    assertThatThrownBy(() -> AgentSettings.parse(new String[] {"--bogus", "1", "--port", "99999"}, Map.of(
        "WSGATE_AGENT_IDE", "emacs", "WSGATE_AGENT_READINESS_PATH", "healthz", "WSGATE_AGENT_ISOLATION", "maybe",
        "WSGATE_AGENT_READY_TIMEOUT", "0s", "WSGATE_AGENT_STOP_GRACE", "soon", "WSGATE_AGENT_PREFETCH", "rel/dir",
        "WSGATE_AGENT_SHELL", "bash",
        "WSGATE_WORKSPACE_ID", "alice", "WSGATE_DATA_DIR", "/mnt/efs/bob")))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage().split("\n")).containsExactly(
            "'--bogus': unknown argument (expected one of: --ide, --command, --port, --host, --readiness-path, "
                + "--assign-path, --isolation, --ready-timeout, --stop-grace, --shell, --prefetch, --workspace, --data-dir)",
            "WSGATE_AGENT_IDE (--ide): 'emacs' (expected: code-server or demo, or empty with WSGATE_AGENT_COMMAND (--command))",
            "PORT (--port): '99999' (expected: 1..65535)",
            "WSGATE_AGENT_READINESS_PATH (--readiness-path): 'healthz' (expected: an absolute path such as /healthz, no query)",
            "WSGATE_AGENT_ISOLATION (--isolation): 'maybe' (expected: auto, required or off)",
            "WSGATE_AGENT_READY_TIMEOUT (--ready-timeout): '0s' (expected: a positive duration such as 500ms, 30s, 5m)",
            "WSGATE_AGENT_STOP_GRACE (--stop-grace): 'soon' (expected: a positive duration such as 500ms, 30s, 5m)",
            "WSGATE_AGENT_SHELL (--shell): 'bash' (expected: the absolute path of an executable, such as /bin/bash)",
            "WSGATE_AGENT_PREFETCH (--prefetch): 'rel/dir' (expected: an absolute directory)",
            "WSGATE_WORKSPACE_ID (--workspace)/WSGATE_DATA_DIR (--data-dir): dataDir '/mnt/efs/bob' (expected: an "
                + "absolute path ending in /alice)"));
  }

  @Test
  void anAgentWithoutAnIdeSaysWhatItNeeds() {
    assertThatThrownBy(() -> AgentSettings.parse(new String[0], Map.of("PORT", "8080")))
        .hasMessage("WSGATE_AGENT_IDE (--ide) and WSGATE_AGENT_COMMAND (--command): both empty (expected: a ready "
            + "configuration such as code-server, or the IDE's command line)");
  }
}
