package io.wsgate.loadtest;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ChainBuilder;
import java.time.Duration;

/**
 * A student typing into their workspace over one WebSocket: the upgrade to {@code /ws/echo} (held by the gateway
 * while a cold workspace launches), then a keystroke message every 200 to 300 ms, each awaited until the demo
 * workspace echoes it back, until the student's stay is over ({@link Students#staying}); then the socket is
 * closed.
 *
 * <p>Each keystroke is reported as {@value #ECHO}, its response time being the echo's round trip through the
 * gateway; a keystroke whose echo does not come back within {@link #ECHO_TIMEOUT} or differs fails.
 */
final class Typing {

  /** Request name of the WebSocket upgrade. */
  static final String OPEN = "open echo socket";
  /** Check name, and request name in the report, of one keystroke's echo. */
  static final String ECHO = "keystroke echo";
  /** Longest wait for an echo before the keystroke counts as lost. */
  static final Duration ECHO_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration KEYSTROKE_MIN = Duration.ofMillis(200);
  private static final Duration KEYSTROKE_MAX = Duration.ofMillis(300);
  private static final String KEYS = "abcdefghijklmnopqrstuvwxyz ";

  private Typing() {
  }

  /**
   * Opens the socket with the workspace's own {@code Origin} (the gateway refuses any other with 403). A student
   * whose socket did not open goes home, so one refusal is one failure, not a loop of them.
   */
  /** What one typing student does: open the echo socket, type until the stay is over, close it. */
  static ChainBuilder student() {
    return open().exec(type(), close());
  }

  static ChainBuilder open() {
    return exec(ws(OPEN, "#{workspace}").connect("#{wsBase}/ws/echo").header("Origin", "#{base}"))
        .exitHereIfFailed();
  }

  /** Typing until the student's stay is over. */
  static ChainBuilder type() {
    return asLongAs(Students::staying, "keystroke", true).on(
        exec(session -> session.set("key", keystroke(session.getString("workspace"), session.getInt("keystroke"))))
            .exec(ws("send keystroke", "#{workspace}").sendText("#{key}")
                .await(ECHO_TIMEOUT).on(ws.checkTextMessage(ECHO).check(bodyString().isEL("#{key}"))))
            .pause(KEYSTROKE_MIN, KEYSTROKE_MAX));
  }

  /** Closes the socket with a normal close. */
  static ChainBuilder close() {
    return exec(ws("close echo socket", "#{workspace}").close());
  }

  /** A small message like an editor's key event; the counter makes every echo distinguishable. */
  static String keystroke(String workspace, int index) {
    char key = KEYS.charAt(index % KEYS.length());
    return "{\"type\":\"key\",\"workspace\":\"" + workspace + "\",\"seq\":" + index + ",\"key\":\"" + key + "\"}";
  }
}
