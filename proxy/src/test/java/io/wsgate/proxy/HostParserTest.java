package io.wsgate.proxy;

import io.wsgate.proxy.routing.HostParser;
import io.wsgate.proxy.routing.HostParser.Problem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

import static org.assertj.core.api.Assertions.assertThat;

class HostParserTest {

  private final HostParser parser = new HostParser("example.edu");

  @ParameterizedTest
  @CsvSource({
      "ws-abc.example.edu, abc",
      "WS-ABC.Example.EDU, abc",
      "ws-abc.example.edu:8080, abc",
      "ws-abc.example.edu., abc",
      "ws-abc.example.edu.:443, abc",
      "ws-a.example.edu, a",
      "ws-a-b-9.example.edu, a-b-9",
      "ws-123.example.edu, 123",
      "ws-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.edu, "
          + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  })
  void workspaceHosts(String host, String id) {
    HostParser.Result r = parser.parse(host);
    assertThat(r.isWorkspace()).as(host).isTrue();
    assertThat(r.id().value()).isEqualTo(id);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "example.edu | NOT_A_WORKSPACE",
      "ws-abc.example.com | NOT_A_WORKSPACE",
      "ws-abc.example.edu.evil.com | NOT_A_WORKSPACE",
      "ws-abc.evil.com | NOT_A_WORKSPACE",
      "evil.com#ws-abc.example.edu | MALFORMED",
      "ws-abc.sub.example.edu | NOT_A_WORKSPACE",
      "abc.example.edu | NOT_A_WORKSPACE",
      "wsabc.example.edu | NOT_A_WORKSPACE",
      "xws-abc.example.edu | NOT_A_WORKSPACE",
      "ws-.example.edu | BAD_ID",
      "ws--abc.example.edu | BAD_ID",
      "ws-abc-.example.edu | BAD_ID",
      "ws-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.edu | BAD_ID",
      "ws-a_b.example.edu | MALFORMED",
      "ws-abc.example.edu:99999 | MALFORMED",
      "ws-abc.example.edu:80a | MALFORMED",
      "ws-abc.example.edu: | MALFORMED",
      "ws-abc.example.edu:123456 | MALFORMED",
      "ws-abc..example.edu | MALFORMED",
      ".ws-abc.example.edu | MALFORMED",
      "ws-abc.example.edu.. | MALFORMED",
      "user@ws-abc.example.edu | MALFORMED",
      "ws-abc.example.edu/path | MALFORMED",
      "ws-abc%2eexample.edu | MALFORMED",
      "ws-abc.example.edu\\u0000 | MALFORMED",
      "ws-ａbc.example.edu | MALFORMED",
      "127.0.0.1 | NOT_A_WORKSPACE",
      "127.0.0.1:6379 | NOT_A_WORKSPACE",
      "[::1]:8080 | NOT_A_WORKSPACE",
      "169.254.169.254 | NOT_A_WORKSPACE",
      "ws-abc.example.edu ws-def.example.edu | MALFORMED",
      ": | MALFORMED",
      ". | MALFORMED",
  })
  void otherHosts(String host, Problem problem) {
    HostParser.Result r = parser.parse(host.replace("\\u0000", "\u0000"));
    assertThat(r.isWorkspace()).as(host).isFalse();
    assertThat(r.problem()).as(host).isEqualTo(problem);
  }

  @ParameterizedTest
  @NullAndEmptySource
  void missingHost(String host) {
    assertThat(parser.parse(host).problem()).isEqualTo(Problem.MISSING);
  }

  @org.junit.jupiter.api.Test
  void overlongHostIsMalformed() {
    assertThat(parser.parse("ws-a." + "b".repeat(300) + ".example.edu").problem()).isEqualTo(Problem.MALFORMED);
  }
}
