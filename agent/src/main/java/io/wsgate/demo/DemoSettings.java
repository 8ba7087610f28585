package io.wsgate.demo;

import io.wsgate.workspace.WorkspaceId;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one demo workspace process serves: its id, where it keeps its data and where it listens.
 *
 * <p>The local provider passes everything as flags; an ECS task only gets its port from the task
 * definition, so the id and data directory fall back to {@code WSGATE_WORKSPACE_ID} and
 * {@code WSGATE_DATA_DIR}.
 *
 * @param id   workspace id (a DNS label, it is shown on the page and in file names)
 * @param dir  data directory, created if missing
 * @param host address to bind, default {@value #DEFAULT_HOST}
 * @param port TCP port to bind; 0 lets the OS choose (tests)
 */
public record DemoSettings(WorkspaceId id, Path dir, String host, int port) {

  /** Environment variable read when {@code --id} is absent. */
  public static final String ID_ENV = "WSGATE_WORKSPACE_ID";
  /** Environment variable read when {@code --dir} is absent. */
  public static final String DIR_ENV = "WSGATE_DATA_DIR";
  public static final String DEFAULT_HOST = "127.0.0.1";
  static final String USAGE = "usage: DemoWorkspace --port PORT [--id ID] [--dir DIR] [--host HOST]"
      + " (id and dir default to $" + ID_ENV + " and $" + DIR_ENV + ")";

  public DemoSettings {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
  }

  /**
   * Parses {@code --name value} or {@code --name=value} flags, falling back to {@code env}.
   *
   * @throws IllegalArgumentException listing every problem found, one per line
   */
  public static DemoSettings parse(String[] args, Map<String, String> env) {
    Map<String, String> flags = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name;
      String value;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else if (arg.startsWith("--") && i + 1 < args.length) {
        name = arg.substring(2);
        value = args[++i];
      } else {
        problems.add("'" + arg + "': unexpected argument (expected: --port, --id, --dir, --host with a value)");
        continue;
      }
      if (!List.of("port", "id", "dir", "host").contains(name)) {
        problems.add("--" + name + ": unknown flag (expected: --port, --id, --dir or --host)");
      } else if (flags.put(name, value) != null) {
        problems.add("--" + name + ": given twice");
      }
    }

    int port = parsePort(flags.get("port"), problems);
    WorkspaceId id = parseId(firstNonBlank(flags.get("id"), env.get(ID_ENV)), problems);
    Path dir = parseDir(firstNonBlank(flags.get("dir"), env.get(DIR_ENV)), problems);
    String host = flags.getOrDefault("host", DEFAULT_HOST);
    if (host.isBlank()) {
      problems.add("--host: empty (expected: an address such as 127.0.0.1 or 0.0.0.0)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return new DemoSettings(id, dir, host, port);
  }

  private static int parsePort(String raw, List<String> problems) {
    if (raw == null) {
      problems.add("--port: missing (expected: 0..65535)");
      return 0;
    }
    try {
      int port = Integer.parseInt(raw.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below with the value that was given
    }
    problems.add("--port: '" + raw + "' (expected: 0..65535)");
    return 0;
  }

  private static WorkspaceId parseId(String raw, List<String> problems) {
    if (raw == null) {
      problems.add("--id: missing and $" + ID_ENV + " unset (expected: a workspace id such as 'demo')");
      return null;
    }
    if (!WorkspaceId.isValid(raw)) {
      problems.add("--id: '" + raw + "' (expected: 1 to 63 of a-z, 0-9 and inner '-')");
      return null;
    }
    return new WorkspaceId(raw);
  }

  private static Path parseDir(String raw, List<String> problems) {
    if (raw == null) {
      problems.add("--dir: missing and $" + DIR_ENV + " unset (expected: a directory for the workspace's data)");
      return null;
    }
    try {
      return Path.of(raw).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      problems.add("--dir: '" + raw + "' (" + e.getReason() + ")");
      return null;
    }
  }

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    return b != null && !b.isBlank() ? b : null;
  }
}
