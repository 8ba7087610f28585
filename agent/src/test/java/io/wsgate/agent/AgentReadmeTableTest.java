package io.wsgate.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's agent table lists exactly the agent's settings, with their real defaults. */
class AgentReadmeTableTest {

  private static String readme() throws Exception {
    return Files.readString(Path.of("..", "README.md"));
  }

  private static String row(AgentSetting s) {
    return "| `" + s.flag() + "` | `" + s.env() + "` | "
        + (s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`") + " | ";
  }

  @Test
  void everySettingHasItsRowAndNoRowIsMadeUp() throws Exception {
    String readme = readme();
    for (AgentSetting s : AgentSetting.values()) {
      assertThat(readme).as(s.name()).contains(row(s));
    }
    Matcher m = Pattern.compile("^\\| `(--[a-z-]+)` \\| `([A-Z_]+)` \\|", Pattern.MULTILINE).matcher(readme);
    int rows = 0;
    while (m.find()) {
      rows++;
      String flag = m.group(1);
      assertThat(Arrays.stream(AgentSetting.values()).map(AgentSetting::flag)).as("README row " + flag).contains(flag);
    }
    assertThat(rows).isEqualTo(AgentSetting.values().length);
  }
}
