package io.wsgate;

import io.wsgate.config.ProfileSetting;
import io.wsgate.config.Setting;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's configuration table lists exactly the settings the gateway reads, with their real defaults. */
class ReadmeConfigTableTest {

  private static String readme() throws Exception {
    return Files.readString(Path.of("..", "README.md"));
  }

  private static String cell(String defaultValue) {
    return defaultValue.isEmpty() ? "(empty)" : "`" + defaultValue + "`";
  }

  @Test
  void everySettingHasItsRow() throws Exception {
    String readme = readme();
    for (Setting s : Setting.values()) {
      assertThat(readme).as(s.env()).contains("| `" + s.env() + "` | `" + s.flag() + "` | " + cell(s.defaultValue()) + " | ");
    }
    for (ProfileSetting s : ProfileSetting.values()) {
      assertThat(readme).as(s.name()).contains("| `" + s.env("<NAME>") + "` | `" + s.flag("<name>") + "` | "
          + cell(s.defaultValue()) + " | ");
    }
  }

  @Test
  void noRowForASettingThatDoesNotExist() throws Exception {
    Set<String> known = new HashSet<>();
    for (Setting s : Setting.values()) {
      known.add(s.env());
    }
    for (ProfileSetting s : ProfileSetting.values()) {
      known.add(s.env("<NAME>"));
    }
    Matcher m = Pattern.compile("^\\| `(WSGATE_[A-Z_<>]+)` \\|", Pattern.MULTILINE).matcher(readme());
    while (m.find()) {
      assertThat(known).as("README row " + m.group(1)).contains(m.group(1));
    }
  }
}
