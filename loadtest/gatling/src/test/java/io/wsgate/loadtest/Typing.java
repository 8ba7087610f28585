package io.wsgate.loadtest;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import java.time.Duration;

/**
 * A student typing into their workspace over one WebSocket: the upgrade to {@code /ws/echo} (held by the gateway
 * while a cold workspace launches), then a keystroke message every 200 to 300 ms, each awaited until the demo
 * workspace echoes it back, until the student's stay is over ({@link Students#staying}); then the socket is
 * closed.
 *
 * <p>Each keystroke is reported as {@value #ECHO}, its response time being the echo's round trip through the
 * gateway; a keystroke whose echo does not come back within {@link #ECHO_TIMEOUT} or differs fails.
 *
 * <p>A socket that fails (the gateway closed it with 1001 on a restart, or it broke) is opened again the way a
 * browser IDE's tab does it: after a backoff that doubles from {@link #BACKOFF_MIN} to {@link #BACKOFF_MAX}, at most
 * {@link #REOPENS} attempts in a row, each reported as {@value #REOPEN}. So a gateway that is away for a few
 * seconds costs a student the keystroke in flight and the reopens that found it away, not every keystroke of the
 * rest of their stay. Every socket of a student has a name of its own ({@code <workspace>#<n>}), so a new one
 * never meets the state of the one that failed.
 */
final class Typing {

  /** Request name of the WebSocket upgrade. */
  static final String OPEN = "open echo socket";
  /** Check name, and request name in the report, of one keystroke's echo. */
  static final String ECHO = "keystroke echo";
  /** Longest wait for an echo before the keystroke counts as lost. */
  static final Duration ECHO_TIMEOUT = Duration.ofSeconds(5);

  /** Request name of a socket opened again after the previous one failed. */
  static final String REOPEN = "reopen echo socket";
  /** Reopen attempts in a row before the student gives up (about 50 s with the backoff below). */
  static final int REOPENS = 12;
  static final Duration BACKOFF_MIN = Duration.ofMillis(500);
  static final Duration BACKOFF_MAX = Duration.ofSeconds(5);

  private static final Duration KEYSTROKE_MIN = Duration.ofMillis(200);
  private static final Duration KEYSTROKE_MAX = Duration.ofMillis(300);
  private static final String KEYS = "abcdefghijklmnopqrstuvwxyz ";

  private Typing() {
  }

  /** What one typing student does: open the echo socket, type until the stay is over, close it. */
  static ChainBuilder student() {
    return open().exec(type(), close());
  }

  /**
   * Opens the socket with the workspace's own {@code Origin} (the gateway refuses any other with 403). A student
   * whose socket did not open goes home, so one refusal is one failure, not a loop of them.
   */
  static ChainBuilder open() {
    return exec(session -> nextSocket(session).set("reopens", 0))
        .exec(ws(OPEN, "#{socket}").connect("#{wsBase}/ws/echo").header("Origin", "#{base}"))
        .exitHereIfFailed();
  }

  /**
   * After a failed keystroke: the failure is counted already, so the student carries on and opens a new socket,
   * waiting the backoff before each attempt; a student whose reopens all failed goes home.
   */
  static ChainBuilder reopen() {
    return exec(session -> session.markAsSucceeded().set("reopens", 0))
        .tryMax(REOPENS).on(
            exec(session -> nextSocket(session).set("reopens", session.getInt("reopens") + 1))
                .pause(Typing::backoff)
                .exec(ws(REOPEN, "#{socket}").connect("#{wsBase}/ws/echo").header("Origin", "#{base}")))
        .exitHereIfFailed();
  }

  /** The wait before the n-th reopen in a row: 0.5 s, 1 s, 2 s, 4 s, then 5 s. */
  static Duration backoff(Session session) {
    int attempt = Math.min(session.getInt("reopens"), 5);
    Duration wait = BACKOFF_MIN.multipliedBy(1L << (attempt - 1));
    return wait.compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : wait;
  }

  private static Session nextSocket(Session session) {
    int n = session.contains("sockets") ? session.getInt("sockets") + 1 : 1;
    return session.set("sockets", n).set("socket", session.getString("workspace") + "#" + n);
  }

  /** Typing until the student's stay is over. */
  static ChainBuilder type() {
    return asLongAs(Students::staying, "keystroke", true).on(
        exec(session -> session.set("key", keystroke(session.getString("workspace"), session.getInt("keystroke"))))
            .exec(ws("send keystroke", "#{socket}").sendText("#{key}")
                .await(ECHO_TIMEOUT).on(ws.checkTextMessage(ECHO).check(bodyString().isEL("#{key}"))))
            .doIf(Session::isFailed).then(reopen())
            .pause(KEYSTROKE_MIN, KEYSTROKE_MAX));
  }

  /** Closes the socket with a normal close. */
  static ChainBuilder close() {
    return exec(ws("close echo socket", "#{socket}").close());
  }

  /** A small message like an editor's key event; the counter makes every echo distinguishable. */
  static String keystroke(String workspace, int index) {
    char key = KEYS.charAt(index % KEYS.length());
    return "{\"type\":\"key\",\"workspace\":\"" + workspace + "\",\"seq\":" + index + ",\"key\":\"" + key + "\"}";
  }
}
