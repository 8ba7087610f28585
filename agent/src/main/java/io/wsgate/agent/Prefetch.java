package io.wsgate.agent;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the IDE's files once while the agent is warm, so that starting the IDE for a student reads them from the page
 * cache instead of the image's disk layers. Best effort, on a worker thread: a file it cannot read is skipped.
 */
final class Prefetch {

  private Prefetch() {
  }

  static void start(Vertx vertx, List<Path> dirs) {
    if (dirs.isEmpty()) {
      return;
    }
    vertx.executeBlocking(() -> {
      long bytes = 0;
      byte[] buf = new byte[1 << 16];
      for (Path dir : dirs) {
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
            try (InputStream in = Files.newInputStream(f)) {
              for (int n; (n = in.read(buf)) > 0; ) {
                bytes += n;
              }
            } catch (IOException e) {
              // skipped: the IDE reads it itself later
            }
          }
        } catch (IOException | java.io.UncheckedIOException e) {
          System.err.println("agent: prefetch of " + dir + " stopped: " + e.getMessage());
        }
      }
      return bytes;
    }, false).onSuccess(bytes -> System.out.printf("agent: prefetched %d MiB of %s%n", bytes >> 20, dirs));
  }
}
