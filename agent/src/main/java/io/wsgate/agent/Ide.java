package io.wsgate.agent;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A ready configuration of an IDE: its command and its readiness path. The command runs as the workspace's user
 * with {@code WSGATE_DATA_DIR}, {@code WSGATE_WORKSPACE_ID}, {@code PORT}, {@code WSGATE_BIND_HOST} and
 * {@code HOME} (the data directory) in its environment, so whatever it creates in the student's directory is
 * created by the student's own user: the agent, as root, never writes below a directory a student controls.
 *
 * @param name          what {@code WSGATE_AGENT_IDE} says
 * @param command       the command line ({@code {port}}, {@code {host}}, {@code {id}}, {@code {dir}},
 *                      {@code {java}}, {@code {classpath}} are filled in after splitting)
 * @param readinessPath answers below 500 once the IDE serves
 */
public record Ide(String name, List<String> command, String readinessPath) {

  /**
   * code-server on the {@code PATH} (or {@code $CODE_SERVER}), opening {@code project/} below the data directory and
   * keeping its own state in {@code .vscode/} beside it, ports detected from terminal output only (see the README's
   * code-server profile: both keep an untouched tab from counting as activity).
   */
  public static final Ide CODE_SERVER = new Ide("code-server", List.of("sh", "-c", """
      set -eu
      mkdir -p "$WSGATE_DATA_DIR/project" "$WSGATE_DATA_DIR/.vscode/User"
      settings="$WSGATE_DATA_DIR/.vscode/User/settings.json"
      [ -e "$settings" ] || printf '%s\\n' '{"remote.autoForwardPorts": false, "remote.autoForwardPortsSource": "output"}' > "$settings"
      exec "${CODE_SERVER:-code-server}" --bind-addr "$WSGATE_BIND_HOST:$PORT" --auth none --disable-telemetry \\
        --disable-update-check --user-data-dir "$WSGATE_DATA_DIR/.vscode" "$WSGATE_DATA_DIR/project"
      """, "code-server"), "/healthz");

  /** The demo workspace (page, note, echo socket), from the agent's own classpath. */
  public static final Ide DEMO = new Ide("demo", List.of("{java}", "-Xmx48m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-cp", "{classpath}", "io.wsgate.demo.DemoWorkspace", "--host", "{host}",
      "--port", "{port}", "--id", "{id}", "--dir", "{dir}"), "/healthz");

  public static final List<Ide> READY = List.of(CODE_SERVER, DEMO);

  public Ide {
    command = List.copyOf(command);
  }

  public static Optional<Ide> named(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return READY.stream().filter(i -> i.name.equals(n)).findFirst();
  }
}
