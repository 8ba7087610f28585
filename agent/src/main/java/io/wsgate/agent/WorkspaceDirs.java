package io.wsgate.agent;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes a workspace's directory its user's alone: created if missing, owned by the workspace's uid and gid, mode
 * 0700, so no other workspace's user can list, read, write or delete anything below it. Runs as root (the agent's
 * privilege) and therefore never follows a link and never creates anything below the directory: what is inside
 * belongs to the student, and the IDE's own set-up runs as the student ({@link Ide}).
 *
 * <p>A directory owned by someone else (made before the agent, when every workspace shared uid 1000) is handed
 * over once: every entry below it is re-owned with {@code lchown}, links themselves and never their targets.
 */
final class WorkspaceDirs {

  private WorkspaceDirs() {
  }

  /** Blocking file I/O. Returns true if an existing tree was handed over from another owner. */
  static boolean prepare(Path dir, long uid) throws IOException {
    Files.createDirectories(dir.getParent());
    boolean created = false;
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        created = true;
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // another agent of the same workspace made it first: handled below like any existing directory
      }
    }
    if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " exists and is not a directory");
    }
    boolean handedOver = false;
    if (created) {
      own(dir, uid);
    } else if (ownerOf(dir) != uid || groupOf(dir) != uid) {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
          own(d, uid);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
          own(f, uid);
          return FileVisitResult.CONTINUE;
        }
      });
      handedOver = true;
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return handedOver;
  }

  static long ownerOf(Path p) throws IOException {
    return ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
  }

  static long groupOf(Path p) throws IOException {
    return ((Number) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue();
  }

  private static void own(Path p, long uid) throws IOException {
    Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", (int) uid, LinkOption.NOFOLLOW_LINKS);
  }
}
