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
 * (bench/lib.sh), and the benchmarks give the JVM the gateway's ECS task memory (templates/wsgate.yaml) as its
 * MaxRAM, so that the heap the image sizes to its container is the heap that is measured: what they print is what
 * ships.
 */
class GatewayImageTest {

  /** Options that size the heap to the container: without them the gateway's heap would not be the measured one. */
  private static final List<String> SIZED_TO_THE_CONTAINER = List.of("-XX:MaxRAMPercentage=75",
      "-XX:InitialRAMPercentage=25");

  @Test
  void theImageRunsWhatTheBenchmarksMeasure() throws IOException {
    String dockerfile = Files.readString(Path.of("../docker/Dockerfile")).replace("\\\n", "");
    Matcher entry = Pattern.compile("(?m)^ENTRYPOINT (\\[.*])\\s*$").matcher(dockerfile);
    assertThat(entry.find()).as("an ENTRYPOINT in exec form in deploy/docker/Dockerfile").isTrue();
    List<String> command = new ArrayList<>();
    new JsonArray(entry.group(1)).forEach(a -> command.add((String) a));
    assertThat(command).startsWith("java").endsWith("-jar", "/opt/wsgate/wsgate.jar");
    List<String> imageOptions = command.subList(1, command.size() - 2);
    assertThat(imageOptions).containsAll(SIZED_TO_THE_CONTAINER).contains("-XX:+ExitOnOutOfMemoryError");

    Matcher bench = Pattern.compile("(?m)^gateway_jvm_options=\\(([^)]*)\\)$")
        .matcher(Files.readString(Path.of("../../bench/lib.sh")));
    assertThat(bench.find()).as("gateway_jvm_options=(...) in bench/lib.sh").isTrue();
    List<String> benchOptions = List.of(bench.group(1).trim().split("\\s+"));

    String taskMemory = gatewayTaskMemory();
    assertThat(benchOptions.get(0)).as("the gateway task's memory (MiB) as the benchmarked JVM's MaxRAM")
        .isEqualTo("-XX:MaxRAM=" + taskMemory + "m");
    assertThat(benchOptions.subList(1, benchOptions.size())).as("the image's JVM options").isEqualTo(imageOptions);
  }

  private static String gatewayTaskMemory() {
    Template wsgate = Template.all().stream().filter(t -> t.name().equals("wsgate.yaml")).findFirst().orElseThrow();
    List<String> gateways = wsgate.resourcesOfType("AWS::ECS::TaskDefinition").stream()
        .filter(id -> id.startsWith("Gateway")).toList();
    assertThat(gateways).as("the gateway's task definition in wsgate.yaml").hasSize(1);
    Object memory = wsgate.properties(gateways.get(0)).get("Memory");
    assertThat(memory).as("the gateway task's Memory").isNotNull();
    assertThat(String.valueOf(memory)).matches("[0-9]+");
    return String.valueOf(memory);
  }
}
