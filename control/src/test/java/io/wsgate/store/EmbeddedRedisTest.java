package io.wsgate.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The embedded redis-server is the gateway's to stop: a Ctrl-C meant for the gateway does not reach it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedRedisTest {

  @Test
  void runsOutsideTheGatewaysProcessGroupAndStopsWhenTold() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "needs Linux /proc");
    assumeTrue(EmbeddedRedis.inOwnSession(java.util.List.of("x")).size() == 2, "needs setsid");
    EmbeddedRedis redis = EmbeddedRedis.start(null);
    try {
      ProcessHandle server = ProcessHandle.current().children()
          .filter(p -> p.info().command().orElse("").contains("redis-server")).findFirst().orElseThrow();
      long[] ours = groupAndSession(ProcessHandle.current().pid());
      long[] its = groupAndSession(server.pid());
      assertThat(its[0]).as("process group (the terminal signals ours on Ctrl-C)").isNotEqualTo(ours[0]);
      assertThat(its[1]).as("session").isNotEqualTo(ours[1]);
      assertThat(its[1]).as("it leads its own session").isEqualTo(server.pid());
      redis.stop();
      assertThat(server.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    } finally {
      redis.stop();
    }
  }

  /** Process group and session id from {@code /proc/<pid>/stat} (fields 5 and 6, after the command name). */
  private static long[] groupAndSession(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])};
  }
}
