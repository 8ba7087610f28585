package io.wsgate.provider.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Who listens on a local TCP port, from Linux's {@code /proc}: the socket inodes in LISTEN state on that port
 * ({@code /proc/net/tcp}, {@code tcp6}), matched against the file descriptors of a process and its descendants.
 * Blocking file I/O: call from worker threads only.
 */
final class ListeningSockets {

  private static final Path PROC = Path.of("/proc");
  private static final String LISTEN = "0A";

  private ListeningSockets() {
  }

  /**
   * Whether the process {@code pid}, or a process it started, listens on {@code port}; empty where the system
   * does not tell (no {@code /proc}, as on macOS).
   */
  static Optional<Boolean> ownedBy(long pid, int port) {
    Path tcp = PROC.resolve("net/tcp");
    if (!Files.isReadable(tcp)) {
      return Optional.empty();
    }
    Set<String> sockets = new HashSet<>();
    for (Path table : List.of(tcp, PROC.resolve("net/tcp6"))) {
      sockets.addAll(listeningInodes(table, port));
    }
    if (sockets.isEmpty()) {
      return Optional.of(false);
    }
    Optional<ProcessHandle> root = ProcessHandle.of(pid);
    if (root.isEmpty()) {
      return Optional.of(false);
    }
    try (Stream<ProcessHandle> tree = Stream.concat(Stream.of(root.get()), root.get().descendants())) {
      return Optional.of(tree.anyMatch(p -> holdsAny(p.pid(), sockets)));
    }
  }

  /** Inodes of the sockets in {@code table} listening on {@code port}, any local address. */
  private static Set<String> listeningInodes(Path table, int port) {
    Set<String> out = new HashSet<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(table);
    } catch (IOException e) {
      return out; // no IPv6 table, for one
    }
    // "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 10 || !LISTEN.equals(f[3])) {
        continue;
      }
      int colon = f[1].lastIndexOf(':');
      if (colon > 0 && Integer.parseInt(f[1].substring(colon + 1), 16) == port) {
        out.add("socket:[" + f[9] + "]");
      }
    }
    return out;
  }

  private static boolean holdsAny(long pid, Set<String> sockets) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
      for (Path fd : fds) {
        try {
          if (sockets.contains(Files.readSymbolicLink(fd).toString())) {
            return true;
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor went away while we looked
        }
      }
    } catch (IOException gone) {
      // the process exited while we looked
    }
    return false;
  }
}
