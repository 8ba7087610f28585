package io.wsgate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The on-demand scripts (benchmarks, soak, the IDE stage) are not run by the suite, so nothing else notices when a
 * change breaks them: each shell script must parse ({@code bash -n}) and each single-file Java program under
 * {@code bench/} must compile against the gateway's classpath, the one it runs with.
 */
class ScriptsCompileTest {

  static final Path ROOT = Path.of("..");

  @Test
  void shellScriptsParse() throws Exception {
    List<Path> scripts = files("sh", "bench", "loadtest", "e2e", "deploy");
    scripts.add(ROOT.resolve(".ci/run"));
    assertThat(scripts).isNotEmpty();
    for (Path script : scripts) {
      Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
      String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(bash.exitValue()).as("bash -n %s: %s", script, out).isZero();
    }
  }

  @Test
  void benchProgramsCompile(@TempDir Path out) throws Exception {
    List<Path> programs = files("java", "bench");
    assertThat(programs).isNotEmpty();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    for (Path program : programs) {
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      int rc = javac.run(null, errors, errors, "-d", out.toString(), "-proc:none",
          "-cp", System.getProperty("java.class.path"), program.toString());
      assertThat(rc).as("javac %s: %s", program, errors.toString(StandardCharsets.UTF_8)).isZero();
    }
  }

  private static List<Path> files(String ext, String... dirs) throws IOException {
    List<Path> found = new ArrayList<>();
    for (String dir : dirs) {
      Path d = ROOT.resolve(dir);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(d)) {
        walk.filter(p -> p.toString().endsWith("." + ext) && !p.toString().contains("node_modules")
            && !p.toString().contains("/target/")).sorted().forEach(found::add);
      }
    }
    return found;
  }
}
