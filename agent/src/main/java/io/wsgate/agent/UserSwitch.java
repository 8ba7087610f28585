package io.wsgate.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How the agent starts the IDE as a workspace's user: util-linux {@code setpriv} sets the real, effective and saved
 * uid and gid to the workspace's, clears the supplementary groups, empties the inheritable capabilities and sets
 * {@code no_new_privs}, then executes the IDE in its own place. Once its uids are not 0 the process holds no
 * capabilities, and with {@code no_new_privs} no set-uid program or file capability can give it any back.
 *
 * @param setpriv the {@code setpriv} binary; empty when the agent cannot switch users (not root, or no setpriv):
 *                the IDE then runs as the agent's own user
 * @param reason  why it cannot, when it cannot
 */
public record UserSwitch(Optional<Path> setpriv, String reason) {

  private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

  /**
   * The capabilities the agent uses: {@code CAP_CHOWN} to hand a directory to a workspace's user, {@code CAP_SETUID}
   * and {@code CAP_SETGID} for setpriv to become it (bit numbers of linux/capability.h).
   */
  private static final Map<Integer, String> NEEDED = Map.of(0, "CAP_CHOWN", 6, "CAP_SETGID", 7, "CAP_SETUID");

  /**
   * Whether this process may switch users: it runs as root with the capabilities it needs in its effective set (a
   * container or {@code setpriv --bounding-set} can take them from root), and setpriv is installed.
   */
  public static UserSwitch detect() {
    String status;
    try {
      status = Files.readString(Path.of("/proc/self/status"));
    } catch (IOException e) {
      return new UserSwitch(Optional.empty(), "cannot tell this process's uid and capabilities (" + e.getMessage() + ")");
    }
    // the effective uid from the status file: /proc/self itself is a link that belongs to root whoever reads it
    long uid = status.lines().filter(l -> l.startsWith("Uid:")).map(l -> l.substring(4).trim().split("\\s+"))
        .mapToLong(f -> Long.parseLong(f[1])).findFirst().orElse(-1);
    if (uid != 0) {
      return new UserSwitch(Optional.empty(), "the agent runs as uid " + uid + ", not root");
    }
    List<String> missing = missingCapabilities(status);
    if (!missing.isEmpty()) {
      return new UserSwitch(Optional.empty(), "the agent runs as root without " + String.join(", ", missing));
    }
    Optional<Path> found = Stream.concat(SETPRIV.stream(), pathEntries().stream().map(d -> d.resolve("setpriv")))
        .filter(Files::isExecutable).findFirst();
    return found.map(p -> new UserSwitch(Optional.of(p), ""))
        .orElseGet(() -> new UserSwitch(Optional.empty(), "setpriv (util-linux) is not installed"));
  }

  /** A switch that never switches, for {@code ISOLATION=off}. */
  public static UserSwitch none(String reason) {
    return new UserSwitch(Optional.empty(), reason);
  }

  public boolean available() {
    return setpriv.isPresent();
  }

  /** {@code command} run as {@code uid}:{@code uid}, or as it is when no switch is available. */
  public List<String> wrap(long uid, List<String> command) {
    if (setpriv.isEmpty()) {
      return command;
    }
    List<String> out = new ArrayList<>(List.of(setpriv.get().toString(), "--reuid=" + uid, "--regid=" + uid,
        "--clear-groups", "--inh-caps=-all", "--no-new-privs", "--"));
    out.addAll(command);
    return out;
  }

  /** The needed capabilities that the {@code CapEff} line of a {@code /proc/<pid>/status} lacks, by name. */
  static List<String> missingCapabilities(String status) {
    long effective = status.lines().filter(l -> l.startsWith("CapEff:"))
        .mapToLong(l -> Long.parseUnsignedLong(l.substring("CapEff:".length()).trim(), 16)).findFirst().orElse(0L);
    return NEEDED.entrySet().stream().filter(e -> (effective & (1L << e.getKey())) == 0)
        .sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
  }

  private static List<Path> pathEntries() {
    String path = System.getenv("PATH");
    List<Path> out = new ArrayList<>();
    if (path != null) {
      for (String p : path.split(":")) {
        if (!p.isBlank()) {
          out.add(Path.of(p));
        }
      }
    }
    return out;
  }
}
