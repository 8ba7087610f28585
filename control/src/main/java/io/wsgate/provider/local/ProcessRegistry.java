package io.wsgate.provider.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * One small file per workspace process under {@code <stateDir>/processes}, so a restarted gateway finds the
 * processes it started (and can tell a reused pid from its own by the process start time). Blocking I/O:
 * call from worker threads only.
 */
final class ProcessRegistry {

  /** What the registry remembers of one process. */
  record Entry(String ref, long pid, long startMillis, String workspaceId, String profile, String launchId,
               String host, int port) {
  }

  private final Path dir;

  ProcessRegistry(Path dir) {
    this.dir = dir;
  }

  void write(Entry e) throws IOException {
    Files.createDirectories(dir);
    Properties p = new Properties();
    p.setProperty("pid", Long.toString(e.pid()));
    p.setProperty("start", Long.toString(e.startMillis()));
    p.setProperty("workspace", e.workspaceId());
    p.setProperty("profile", e.profile());
    p.setProperty("launch", e.launchId());
    p.setProperty("host", e.host());
    p.setProperty("port", Integer.toString(e.port()));
    Path tmp = dir.resolve(e.ref() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "wsgate workspace process");
    }
    Files.move(tmp, dir.resolve(e.ref() + ".properties"), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  Optional<Entry> read(String ref) throws IOException {
    Path f = dir.resolve(ref + ".properties");
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(f)) {
      p.load(in);
    }
    try {
      return Optional.of(new Entry(ref, Long.parseLong(p.getProperty("pid")), Long.parseLong(p.getProperty("start")),
          p.getProperty("workspace"), p.getProperty("profile"), p.getProperty("launch"), p.getProperty("host"),
          Integer.parseInt(p.getProperty("port"))));
    } catch (RuntimeException e) {
      Files.deleteIfExists(f);
      return Optional.empty();
    }
  }

  List<Entry> all() throws IOException {
    List<Entry> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.properties")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        read(name.substring(0, name.length() - ".properties".length())).ifPresent(out::add);
      }
    }
    return out;
  }

  void remove(String ref) throws IOException {
    Files.deleteIfExists(dir.resolve(ref + ".properties"));
  }
}
