package io.wsgate.proxy.routing;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any Host value: the parser never throws, and whatever it accepts really is {@code ws-<id>.localhost} with an
 * optional port and trailing dot, in some case, with a valid id; and a request the gateway routes to a workspace
 * (a Host it accepts, a path it does not refuse as reserved) never reaches the assign hook on any workspace stack
 * ({@link ReservedPathsProperty}). {@code mvn verify} replays the seeds; {@code JAZZER_FUZZ=1} fuzzes.
 */
class HostParserFuzzTest {

  private static final HostParser PARSER = new HostParser("localhost");

  @FuzzTest(maxDuration = "10s")
  void acceptedHostsFollowTheRules(String host) {
    HostParser.Result r = PARSER.parse(host);
    assertThat(r.isWorkspace()).isEqualTo(r.problem() == null);
    if (!r.isWorkspace()) {
      return;
    }
    String id = r.id().value();
    assertThat(id).matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    String name = host.toLowerCase(Locale.ROOT);
    int colon = name.lastIndexOf(':');
    if (colon >= 0) {
      assertThat(name.substring(colon + 1)).matches("\\d{1,5}");
      assertThat(Integer.parseInt(name.substring(colon + 1))).isLessThanOrEqualTo(65535);
      name = name.substring(0, colon);
    }
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    assertThat(name).isEqualTo("ws-" + id + ".localhost");
  }

  /** {@code input} is a Host value, a line feed, and a request target (UTF-8). */
  @FuzzTest(maxDuration = "10s")
  void routedRequestsNeverReachAReservedPath(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int lf = text.indexOf('\n');
    if (lf < 0) {
      return;
    }
    String target = text.substring(lf + 1);
    // the only target forms the head scanner lets through (origin-form, absolute-form; '*' has no path)
    boolean routable = target.startsWith("/") || target.regionMatches(true, 0, "http://", 0, 7)
        || target.regionMatches(true, 0, "https://", 0, 8);
    if (routable && PARSER.parse(text.substring(0, lf)).isWorkspace()) {
      ReservedPathsProperty.check(target);
    }
  }
}
