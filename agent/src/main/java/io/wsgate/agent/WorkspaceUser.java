package io.wsgate.agent;

import io.wsgate.workspace.WorkspaceId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The user and group a workspace's files and IDE belong to: one numeric id per workspace (gid = uid), derived from
 * the workspace id alone, so every launch and every replica finds the same one, in {@code [FIRST, LIMIT)}: above
 * every system and login account (and {@code nobody}), below 2^31 (tools that read ids as signed ints).
 *
 * <p>A hash can collide (for 10,000 workspaces about a 2% chance that some two share the first candidate), so the
 * first workspace to use an id claims it in a registry on the shared data root ({@code <root>/.wsgate-uids/<uid>},
 * holding the workspace id, made by an atomic hard link that fails if the name exists: exclusive on a local disk
 * and on NFSv4/EFS alike). A workspace whose candidate belongs to another takes its next candidate, the hash of the
 * id and the attempt number; a later launch walks the same candidates and finds its own claim. Two ids therefore
 * never share a uid, and an id keeps its uid as long as the registry lives beside the data.
 */
public final class WorkspaceUser {

  public static final long FIRST = 100_000;
  public static final long LIMIT = 1L << 31;
  static final String REGISTRY = ".wsgate-uids";
  private static final int MAX_ATTEMPTS = 64;

  private WorkspaceUser() {
  }

  /** The {@code attempt}-th candidate uid of a workspace (attempt 0 is taken unless it collided). */
  public static long candidate(WorkspaceId id, int attempt) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] h = sha.digest(("wsgate-uid\0" + id.value() + "\0" + attempt).getBytes(StandardCharsets.UTF_8));
      long n = ByteBuffer.wrap(h, 0, 8).getLong() & Long.MAX_VALUE;
      return FIRST + n % (LIMIT - FIRST);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The workspace's uid, claimed in the registry under {@code dataRoot} if nobody holds it yet. Blocking file I/O.
   *
   * @throws IOException if the registry cannot be read or written, or 64 candidates are all taken
   */
  public static long claim(Path dataRoot, WorkspaceId id) throws IOException {
    Path registry = dataRoot.resolve(REGISTRY);
    if (!Files.isDirectory(registry)) {
      try {
        Files.createDirectories(dataRoot);
        Files.createDirectory(registry, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException raced) {
        // another agent made it first
      }
    }
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      long uid = candidate(id, attempt);
      Path claim = registry.resolve(Long.toString(uid));
      String owner = owner(claim);
      if (owner == null) {
        Path tmp = registry.resolve(".tmp-" + UUID.randomUUID());
        Files.writeString(tmp, id.value());
        try {
          Files.createLink(claim, tmp);
          owner = id.value();
        } catch (FileAlreadyExistsException raced) {
          owner = owner(claim);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      if (id.value().equals(owner)) {
        return uid;
      }
    }
    throw new IOException("workspace " + id.value() + ": its first " + MAX_ATTEMPTS + " uid candidates all belong "
        + "to other workspaces in " + registry);
  }

  private static String owner(Path claim) throws IOException {
    try {
      return Files.readString(claim).trim();
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
