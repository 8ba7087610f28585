package io.wsgate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway as a process where Netty's native transports are turned off ({@code -Dio.netty.transport.noNative}),
 * as on a machine whose epoll library does not load: the default starts on NIO and says why; WSGATE_TRANSPORT=epoll
 * refuses to start, saying what to set.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransportProcessTest {

  private static final String DISABLED = "Native transport was explicit disabled with -Dio.netty.transport.noNative=true";

  @TempDir
  Path tmp;

  @Test
  void autoStartsOnNioAndSaysWhy() throws Exception {
    Process p = gateway("auto");
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = out.readLine()) != null && !line.contains("Stop with Ctrl-C")) {
        lines.add(line);
      }
      assertThat(lines).as("the banner").anyMatch(l -> l.contains("wsgate is running on port"))
          .contains("  Network transport:    nio (epoll unavailable: " + DISABLED + ")");
    } finally {
      p.destroy();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
  }

  @Test
  void epollRefusesToStartAndSaysWhatToSet() throws Exception {
    Process p = gateway("epoll");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(2);
    assertThat(out).contains("WSGATE_TRANSPORT (--transport): epoll cannot be used here (" + DISABLED
        + "); set auto to fall back to nio, or nio");
  }

  private Process gateway(String transport) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx128m",
        "-Dio.netty.transport.noNative=true", "-cp", System.getProperty("java.class.path"), Main.class.getName())
        .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("WSGATE_"));
    pb.environment().putAll(java.util.Map.of("WSGATE_TRANSPORT", transport, "WSGATE_PORT", "0",
        "WSGATE_ADMIN_PORT", "0", "WSGATE_LISTEN_HOST", "127.0.0.1", "WSGATE_WARMUP", "0s",
        "WSGATE_STATE_DIR", tmp.resolve("state").toString(), "WSGATE_DATA_DIR", tmp.resolve("data").toString()));
    return pb.start();
  }
}
