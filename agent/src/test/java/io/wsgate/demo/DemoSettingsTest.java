package io.wsgate.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Flags win over the environment, and every bad argument is reported at once. */
class DemoSettingsTest {

  @Test
  void flagsAsTheLocalProviderPassesThem() {
    DemoSettings s = DemoSettings.parse(new String[] {"--port", "18080", "--id", "demo", "--dir", "/tmp/d"}, Map.of());

    assertThat(s.port()).isEqualTo(18080);
    assertThat(s.id().value()).isEqualTo("demo");
    assertThat(s.dir()).isEqualTo(Path.of("/tmp/d"));
    assertThat(s.host()).isEqualTo("127.0.0.1");
  }

  @Test
  void idAndDirFromTheEnvironmentAsOnEcs() {
    Map<String, String> env = Map.of(DemoSettings.ID_ENV, "ws-1", DemoSettings.DIR_ENV, "/data");

    DemoSettings s = DemoSettings.parse(new String[] {"--port=8080", "--host=0.0.0.0"}, env);

    assertThat(s.id().value()).isEqualTo("ws-1");
    assertThat(s.dir()).isEqualTo(Path.of("/data"));
    assertThat(s.host()).isEqualTo("0.0.0.0");
  }

  @Test
  void flagsWinOverTheEnvironment() {
    Map<String, String> env = Map.of(DemoSettings.ID_ENV, "from-env", DemoSettings.DIR_ENV, "/env");

    DemoSettings s = DemoSettings.parse(new String[] {"--port", "1", "--id", "from-flag"}, env);

    assertThat(s.id().value()).isEqualTo("from-flag");
    assertThat(s.dir()).isEqualTo(Path.of("/env"));
  }

  @Test
  void everyProblemIsListed() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoSettings.parse(new String[] {"--port", "70000", "--id", "Not_Valid", "--colour", "red"},
            Map.of()))
        .withMessageContaining("--port: '70000' (expected: 0..65535)")
        .withMessageContaining("--id: 'Not_Valid'")
        .withMessageContaining("--dir: missing and $WSGATE_DATA_DIR unset")
        .withMessageContaining("--colour: unknown flag");
  }

  @Test
  void portIsRequired() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DemoSettings.parse(new String[] {"--id", "a", "--dir", "/d"}, Map.of()))
        .withMessage("--port: missing (expected: 0..65535)");
  }
}
