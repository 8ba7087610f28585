package io.wsgate.deploy.ecs;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway image (deploy/docker/Dockerfile) runs the jar with the JVM options the benchmarks start it with
 * (bench/lib.sh), so that what they print is what ships; only the container's own settings are the image's alone.
 */
class GatewayImageTest {

  /** Options that size the JVM to its container, or end it when out of memory: the image's only. */
  private static final List<String> CONTAINER_ONLY = List.of("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");

  @Test
  void theImageRunsWhatTheBenchmarksMeasure() throws IOException {
    String dockerfile = Files.readString(Path.of("../docker/Dockerfile")).replace("\\\n", "");
    Matcher entry = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])\\s*$").matcher(dockerfile);
    assertThat(entry.find()).as("an ENTRYPOINT in exec form in deploy/docker/Dockerfile").isTrue();
    List<String> command = new ArrayList<>();
    new JsonArray(entry.group(1)).forEach(a -> command.add((String) a));
    assertThat(command).startsWith("java").endsWith("-jar", "/opt/wsgate/wsgate.jar");
    List<String> imageOptions = new ArrayList<>(command.subList(1, command.size() - 2));
    assertThat(imageOptions).containsAll(CONTAINER_ONLY);
    imageOptions.removeAll(CONTAINER_ONLY);

    Matcher bench = Pattern.compile("(?m)^gateway_jvm_options=\\(([^)]*)\\)$")
        .matcher(Files.readString(Path.of("../../bench/lib.sh")));
    assertThat(bench.find()).as("gateway_jvm_options=(...) in bench/lib.sh").isTrue();
    List<String> benchOptions = List.of(bench.group(1).trim().split("\\s+"));

    assertThat(imageOptions).as("the image's JVM options but the container's own").isEqualTo(benchOptions);
  }
}
