package io.wsgate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ctrl-C (SIGTERM) while the gateway is still starting, in its warm-up, as a user who changed their mind would:
 * the process ends and so does everything it started. The embedded Redis runs in a session of its own, so a gateway
 * that died without stopping it would leave it running for good.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StopDuringStartTest {

  @TempDir
  Path tmp;

  @Test
  void sigtermDuringTheWarmUpStopsTheEmbeddedRedis() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("WSGATE_"));
    // the default warm-up (10 s): the window this test stops the gateway in
    pb.environment().putAll(Map.of("WSGATE_PORT", "0", "WSGATE_ADMIN_PORT", "0", "WSGATE_LISTEN_HOST", "127.0.0.1",
        "WSGATE_STATE_DIR", tmp.resolve("state").toString(),
        "WSGATE_DATA_DIR", tmp.resolve("data").toString()));
    Process p = pb.start();
    List<ProcessHandle> started = List.of();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.contains("warming up for")) {
        assertThat(line).as("the gateway listened before its warm-up").doesNotContain("wsgate is running");
      }
      assertThat(line).as("the gateway's output ended before its warm-up").isNotNull();
      started = p.toHandle().descendants().toList();
      assertThat(started).as("the embedded Redis")
          .anyMatch(h -> h.info().command().orElse("").contains("redis-server"));

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the gateway stops on SIGTERM").isTrue();
      for (ProcessHandle h : started) {
        // awaited, not polled; before the fix this timed out with redis-server still running
        h.onExit().get(30, TimeUnit.SECONDS);
        assertThat(h.isAlive()).as(h.info().command().orElse("pid " + h.pid())).isFalse();
      }
    } finally {
      p.destroyForcibly();
      started.forEach(ProcessHandle::destroyForcibly); // whatever a failed run left behind
    }
  }
}
