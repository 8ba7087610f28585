package io.wsgate.simulate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code simulate --gap} is checked before anything runs, and a file's bad event rows reach the user by line. */
class SimulateCommandGapTest {

  @TempDir
  Path dir;

  @Test
  void aGapOfNothingIsRefused() throws Exception {
    Path csv = Files.writeString(dir.resolve("events.csv"), "user,profile,time\nalice,code,2026-03-02T09:00\n");
    Run r = run("--scenario", csv.toString(), "--gap", "0s");
    assertThat(r.status).isEqualTo(2);
    assertThat(r.err).contains("--gap: '0s' (expected a duration of 1s or more)");
  }

  @Test
  void badEventRowsAreNamedByLine() throws Exception {
    Path csv = Files.writeString(dir.resolve("events.csv"),
        "user,profile,time\nalice,code,2026-03-02T09:00\nbob,code,tomorrow\n");
    Run r = run("--scenario", csv.toString(), "--gap", "10m");
    assertThat(r.status).isEqualTo(2);
    assertThat(r.err).contains("events.csv: 1 bad row(s)", "line 3: time 'tomorrow'");
  }

  private record Run(int status, String err) {
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = SimulateCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, err.toString(StandardCharsets.UTF_8));
  }
}
