package io.wsgate.agent;

import io.wsgate.auth.AssignSignature;
import io.wsgate.config.ConfigLoader;
import io.wsgate.provider.local.CommandTemplate;
import io.wsgate.workspace.WorkspaceId;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The agent's configuration, from flags and the environment (a flag wins), validated like the gateway's: every
 * problem found is reported at once, one line each.
 *
 * @param command      the IDE's command line, not yet filled in
 * @param shell        the student's shell: the IDE's {@code SHELL}, whatever the agent's environment says
 * @param cold         the workspace to serve at once, if the agent was started for one
 * @param assignSecret {@code WSGATE_ASSIGN_SECRET} (never a flag: it would show in {@code ps}); null: no assignment
 */
public record AgentSettings(String ideName, CommandTemplate command, int port, String host, String readinessPath,
                            String assignPath, Isolation isolation, Duration readyTimeout, Duration stopGrace,
                            Path shell, List<Path> prefetch, Optional<Assignment> cold, String assignSecret) {

  public AgentSettings {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(shell, "shell");
    prefetch = List.copyOf(prefetch);
  }

  /** @throws IllegalArgumentException listing every problem, one per line */
  public static AgentSettings parse(String[] args, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    Map<AgentSetting, String> raw = new EnumMap<>(AgentSetting.class);
    for (AgentSetting s : AgentSetting.values()) {
      String v = env.get(s.env());
      if (v != null) {
        raw.put(s, v.trim());
      }
    }
    Map<AgentSetting, String> flags = new EnumMap<>(AgentSetting.class);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      String name = eq > 0 ? arg.substring(0, eq) : arg;
      Optional<AgentSetting> s = Arrays.stream(AgentSetting.values()).filter(x -> x.flag().equals(name)).findFirst();
      if (s.isEmpty()) {
        problems.add("'" + arg + "': unknown argument (expected one of: " + Arrays.stream(AgentSetting.values())
            .map(AgentSetting::flag).collect(Collectors.joining(", ")) + ")");
        if (eq < 0 && arg.startsWith("--") && i + 1 < args.length && !args[i + 1].startsWith("--")) {
          i++; // its value, not another problem
        }
        continue;
      }
      String value;
      if (eq > 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        problems.add(name + ": missing value");
        continue;
      }
      if (flags.put(s.get(), value.trim()) != null) {
        problems.add(name + ": given twice");
      }
    }
    raw.putAll(flags);

    Optional<Ide> ide = Optional.empty();
    String ideName = raw.getOrDefault(AgentSetting.IDE, "");
    if (!ideName.isEmpty()) {
      ide = Ide.named(ideName);
      if (ide.isEmpty()) {
        problems.add(describe(AgentSetting.IDE) + ": '" + ideName + "' (expected: " + Ide.READY.stream().map(Ide::name)
            .collect(Collectors.joining(" or ")) + ", or empty with " + describe(AgentSetting.COMMAND) + ")");
      }
    }
    CommandTemplate command = null;
    String commandRaw = raw.getOrDefault(AgentSetting.COMMAND, "");
    if (!commandRaw.isEmpty()) {
      try {
        command = CommandTemplate.parse(commandRaw);
      } catch (IllegalArgumentException e) {
        problems.add(describe(AgentSetting.COMMAND) + ": " + e.getMessage());
      }
    } else if (ide.isPresent()) {
      command = CommandTemplate.of(ide.get().command());
    } else if (ideName.isEmpty()) {
      problems.add(describe(AgentSetting.IDE) + " and " + describe(AgentSetting.COMMAND)
          + ": both empty (expected: a ready configuration such as code-server, or the IDE's command line)");
    }

    int port = 0;
    String portRaw = raw.getOrDefault(AgentSetting.PORT, "");
    try {
      port = Integer.parseInt(portRaw);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      problems.add(describe(AgentSetting.PORT) + ": '" + portRaw + "' (expected: 1..65535)");
    }
    String host = value(raw, AgentSetting.HOST);
    if (host.isEmpty()) {
      problems.add(describe(AgentSetting.HOST) + ": empty (expected: an address such as 127.0.0.1 or 0.0.0.0)");
    }
    String readiness = raw.getOrDefault(AgentSetting.READINESS_PATH, "");
    if (readiness.isEmpty()) {
      readiness = ide.map(Ide::readinessPath).orElse("/");
    }
    checkPath(AgentSetting.READINESS_PATH, readiness, problems);
    String assign = value(raw, AgentSetting.ASSIGN_PATH);
    checkPath(AgentSetting.ASSIGN_PATH, assign, problems);
    if (assign.equals(readiness)) {
      problems.add(describe(AgentSetting.ASSIGN_PATH) + ": '" + assign + "' is also the readiness path (expected: two paths)");
    }
    Isolation isolation = Isolation.AUTO;
    String iso = value(raw, AgentSetting.ISOLATION);
    try {
      isolation = Isolation.valueOf(iso.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(describe(AgentSetting.ISOLATION) + ": '" + iso + "' (expected: auto, required or off)");
    }
    Duration readyTimeout = duration(raw, AgentSetting.READY_TIMEOUT, problems);
    Duration stopGrace = duration(raw, AgentSetting.STOP_GRACE, problems);
    Path shell = shell(value(raw, AgentSetting.SHELL), problems);
    List<Path> prefetch = new ArrayList<>();
    for (String p : value(raw, AgentSetting.PREFETCH).split(",")) {
      if (!p.isBlank()) {
        absolute(AgentSetting.PREFETCH, p.trim(), problems).ifPresent(prefetch::add);
      }
    }

    Optional<Assignment> cold = Optional.empty();
    String ws = raw.getOrDefault(AgentSetting.WORKSPACE, "");
    String dir = raw.getOrDefault(AgentSetting.DATA_DIR, "");
    if (!ws.isEmpty()) {
      if (dir.isEmpty()) {
        problems.add(describe(AgentSetting.DATA_DIR) + ": empty while " + describe(AgentSetting.WORKSPACE)
            + " is '" + ws + "' (expected: the workspace's directory)");
      } else {
        try {
          cold = Optional.of(Assignment.of(ws, dir));
        } catch (IllegalArgumentException e) {
          problems.add(describe(AgentSetting.WORKSPACE) + "/" + describe(AgentSetting.DATA_DIR) + ": " + e.getMessage());
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    String secret = env.get(AssignSignature.SECRET_ENV);
    return new AgentSettings(ide.map(Ide::name).orElse("custom"), command, port, host, readiness, assign, isolation,
        readyTimeout, stopGrace, shell, prefetch, cold, secret == null || secret.isBlank() ? null : secret);
  }

  /** Never shows the assign secret. */
  @Override
  public String toString() {
    return "AgentSettings[ide=" + ideName + ", port=" + port + ", host=" + host + ", readiness=" + readinessPath
        + ", assign=" + assignPath + ", isolation=" + isolation + ", cold=" + cold.map(Assignment::toString).orElse("no")
        + (assignSecret == null ? "" : ", assign secret set") + "]";
  }

  static String describe(AgentSetting s) {
    return s.env() + " (" + s.flag() + ")";
  }

  private static String value(Map<AgentSetting, String> raw, AgentSetting s) {
    String v = raw.get(s);
    return v == null || v.isEmpty() ? s.defaultValue() : v;
  }

  private static void checkPath(AgentSetting s, String path, List<String> problems) {
    if (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.chars().anyMatch(c -> c <= ' ')) {
      problems.add(describe(s) + ": '" + path + "' (expected: an absolute path such as /healthz, no query)");
    }
  }

  private static Duration duration(Map<AgentSetting, String> raw, AgentSetting s, List<String> problems) {
    String v = value(raw, s);
    Duration d = ConfigLoader.parseDuration(v);
    if (d == null || d.isZero() || d.isNegative()) {
      problems.add(describe(s) + ": '" + v + "' (expected: a positive duration such as 500ms, 30s, 5m)");
      return Duration.ofSeconds(1);
    }
    return d;
  }

  /** The configured shell, else bash where it exists (the shell VS Code's shell integration knows), else sh. */
  private static Path shell(String raw, List<String> problems) {
    if (raw.isEmpty()) {
      Path bash = Path.of("/bin/bash");
      return Files.isExecutable(bash) ? bash : Path.of("/bin/sh");
    }
    try {
      Path p = Path.of(raw);
      if (p.isAbsolute() && Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    } catch (InvalidPathException e) {
      // reported below
    }
    problems.add(describe(AgentSetting.SHELL) + ": '" + raw + "' (expected: the absolute path of an executable, such as /bin/bash)");
    return Path.of("/bin/sh");
  }

  private static Optional<Path> absolute(AgentSetting s, String raw, List<String> problems) {
    try {
      Path p = Path.of(raw);
      if (p.isAbsolute()) {
        return Optional.of(p.normalize());
      }
    } catch (InvalidPathException e) {
      // reported below
    }
    problems.add(describe(s) + ": '" + raw + "' (expected: an absolute directory)");
    return Optional.empty();
  }

  /** A workspace and its directory, from a cold start's environment or the gateway's assign request. */
  public record Assignment(WorkspaceId workspace, Path dir) {

    /**
     * @throws IllegalArgumentException unless {@code dataDir} is absolute, normal and ends in the workspace id (the
     *                                  gateway's data directory plus the id), so no assignment names another's directory
     */
    public static Assignment of(String workspace, String dataDir) {
      if (workspace == null || !WorkspaceId.isValid(workspace)) {
        throw new IllegalArgumentException("workspace '" + workspace + "' (expected: 1 to 63 of a-z, 0-9 and inner '-')");
      }
      Path dir;
      try {
        dir = dataDir == null ? null : Path.of(dataDir);
      } catch (InvalidPathException e) {
        dir = null;
      }
      if (dir == null || !dir.isAbsolute() || !dir.normalize().equals(dir) || dir.getParent() == null
          || !dir.getFileName().toString().equals(workspace)) {
        throw new IllegalArgumentException("dataDir '" + dataDir + "' (expected: an absolute path ending in /" + workspace + ")");
      }
      return new Assignment(new WorkspaceId(workspace), dir);
    }

    @Override
    public String toString() {
      return workspace.value() + " in " + dir;
    }
  }
}
