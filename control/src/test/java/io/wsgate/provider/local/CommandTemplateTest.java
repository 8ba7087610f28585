package io.wsgate.provider.local;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandTemplateTest {

  @Test
  void placeholdersStayInsideTheirArgument() {
    var args = CommandTemplate.parse("code-server --bind-addr 127.0.0.1:{port} 'my dir/{id}' \"x y\"")
        .render(Map.of("port", "4000", "id", "a; rm -rf /"));
    assertThat(args).containsExactly("code-server", "--bind-addr", "127.0.0.1:4000", "my dir/a; rm -rf /", "x y");
  }

  @Test
  void unclosedQuoteIsAnError() {
    assertThatThrownBy(() -> CommandTemplate.parse("run 'oops")).hasMessageContaining("unclosed '");
  }

  @Test
  void emptyCommandIsAnError() {
    assertThatThrownBy(() -> CommandTemplate.parse("   ")).hasMessageContaining("empty command");
  }
}
