package io.wsgate.proxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every spelling of a reserved path (the demo's {@code /wsgate/assign} and a profile's own {@code /_agent/Assign})
 * that some workspace stack could route to the hook is refused, and the workspace receives nothing: percent
 * encoding, dot segments, duplicate slashes, case, path parameters on any segment, and the rest of what Vert.x,
 * Netty, Tomcat/Spring, Node and Windows servers do to a path before routing. Paths that only look alike pass.
 * Auth is off so that anything that got through would reach the backend, which counts what it receives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReservedPathTest {

  @TempDir
  static Path tmp;
  static GatewayFixture f;

  @BeforeAll
  static void start() {
    f = new GatewayFixture(tmp, "WSGATE_PROFILE_DEMO_ASSIGN_PATH", "/_agent/Assign");
    // launch once, so a request that got through would really reach the backend
    assertThat(f.http.get(f.host("reserved"), "/healthz").await().status()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static Stream<Arguments> reserved() {
    return Stream.of(
        Arguments.of("exact", "/wsgate/assign"),
        Arguments.of("query", "/wsgate/assign?x=1"),
        Arguments.of("trailing slash", "/wsgate/assign/"),
        Arguments.of("below it", "/wsgate/assign/x"),
        Arguments.of("double leading slash", "//wsgate/assign"),
        Arguments.of("double inner slash", "/wsgate//assign"),
        Arguments.of("encoded letter", "/%77sgate/assign"),
        Arguments.of("encoded slash", "/wsgate%2fassign"),
        Arguments.of("encoded slash, upper hex", "/wsgate%2Fassign"),
        Arguments.of("double encoding", "/wsgate%252fassign"),
        Arguments.of("triple encoding", "/%25252577sgate/assign"),
        Arguments.of("IIS %u encoding", "/%u0077sgate/assign"),
        Arguments.of("dot segment", "/./wsgate/assign"),
        Arguments.of("dot-dot segment", "/x/../wsgate/assign"),
        Arguments.of("encoded dot-dot", "/x/%2e%2e/wsgate/assign"),
        Arguments.of("encoded dot-dot and slash", "/x/..%2fwsgate/assign"),
        Arguments.of("dot-dot above the root", "/../../wsgate/assign"),
        Arguments.of("upper case", "/WSGATE/ASSIGN"),
        Arguments.of("mixed case", "/WsGate/Assign"),
        Arguments.of("long s folds to s", "/wsgate/a%C5%BFsign"),
        Arguments.of("path parameter", "/wsgate/assign;a=b"),
        Arguments.of("empty path parameter", "/wsgate/assign;"),
        Arguments.of("jsessionid", "/wsgate/assign;jsessionid=0123"),
        Arguments.of("parameter on the first segment", "/wsgate;a=b/assign"),
        Arguments.of("parameters on both segments", "/wsgate;a/assign;b"),
        Arguments.of("parameter hiding a slash", "/wsgate;%2f..%2f/assign"),
        Arguments.of("parameter with a dot-dot", "/x;/../wsgate/assign"),
        Arguments.of("encoded semicolon", "/wsgate/assign%3ba=b"),
        Arguments.of("matrix parameter, encoded key", "/wsgate/assign;%61=b"),
        Arguments.of("backslash", "/wsgate\\assign"),
        Arguments.of("encoded backslash", "/wsgate%5cassign"),
        Arguments.of("fragment", "/wsgate/assign#x"),
        Arguments.of("encoded question mark", "/wsgate/assign%3fx"),
        Arguments.of("encoded NUL", "/wsgate/assign%00.png"),
        Arguments.of("encoded tab inside", "/wsgate/as%09sign"),
        Arguments.of("encoded newline inside", "/wsgate/as%0asign"),
        Arguments.of("full-width solidus", "/wsgate%EF%BC%8Fassign"),
        Arguments.of("full-width letters", "/%EF%BD%97sgate/assign"),
        Arguments.of("trailing dot", "/wsgate/assign."),
        Arguments.of("suffix pattern", "/wsgate/assign.json"),
        Arguments.of("trailing encoded space", "/wsgate/assign%20"),
        Arguments.of("absolute form", "http://ws-reserved.localhost/wsgate/assign"),
        Arguments.of("absolute form, path parameter", "http://ws-reserved.localhost/wsgate/assign;a=b"),
        Arguments.of("profile's own hook", "/_agent/Assign"),
        Arguments.of("profile's own hook, lower case, parameter", "/_agent/assign;x"),
        Arguments.of("profile's own hook, encoded", "/%5fagent%2fassign"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("reserved")
  void reservedPathNeverReachesTheWorkspace(String name, String target) throws Exception {
    int before = f.backend.requests();
    String body = "{\"workspace\":\"bob\",\"dataDir\":\"/data/bob\"}";
    String reply = RawHttp.exchange(f.gateway.port(), "POST " + target + " HTTP/1.1\r\nHost: ws-reserved.localhost\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
        + body, 30_000);
    assertThat(reply).as(name).startsWith("HTTP/1.1 404");
    assertThat(reply).as(name).contains("reserved for the gateway");
    assertThat(f.backend.requests()).as(name + ": requests that reached the workspace").isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("reserved")
  void reservedPathNeverOpensAWebSocket(String name, String target) throws Exception {
    int before = f.backend.requests();
    String reply = RawHttp.exchange(f.gateway.port(), "GET " + target + " HTTP/1.1\r\nHost: ws-reserved.localhost\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\nOrigin: http://ws-reserved.localhost\r\n\r\n", 30_000);
    assertThat(reply).as(name).startsWith("HTTP/1.1 404");
    assertThat(f.backend.requests()).as(name + ": requests that reached the workspace").isEqualTo(before);
  }

  static Stream<Arguments> lookAlikes() {
    return Stream.of(
        Arguments.of("a longer name", "/wsgate/assignments"),
        Arguments.of("a longer prefix", "/wsgate/reassign"),
        Arguments.of("another directory", "/wsgate/other"),
        Arguments.of("the parent", "/wsgate"),
        Arguments.of("a parameter elsewhere", "/echo;a=b"),
        Arguments.of("dot-dot out of it", "/wsgate/assign/../echo"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("lookAlikes")
  void pathsThatOnlyLookAlikeReachTheWorkspace(String name, String target) throws Exception {
    int before = f.backend.requests();
    String reply = RawHttp.exchange(f.gateway.port(), "GET " + target + " HTTP/1.1\r\nHost: ws-reserved.localhost\r\n"
        + "Connection: close\r\n\r\n", 30_000);
    assertThat(reply).as(name).startsWith("HTTP/1.1 200");
    assertThat(f.backend.requests()).as(name).isEqualTo(before + 1);
  }
}
