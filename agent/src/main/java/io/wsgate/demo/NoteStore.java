package io.wsgate.demo;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;

/**
 * The workspace's one note, kept in {@code <dir>/note.txt}.
 *
 * <p>A save writes a fresh temporary file next to the note and renames it over the note, so a crash or
 * a concurrent save never leaves a half-written note behind: readers see the old note or the new one.
 */
final class NoteStore {

  static final String FILE_NAME = "note.txt";

  private final FileSystem fs;
  private final Path dir;
  private final String note;

  NoteStore(FileSystem fs, Path dir) {
    this.fs = Objects.requireNonNull(fs, "fs");
    this.dir = Objects.requireNonNull(dir, "dir");
    this.note = dir.resolve(FILE_NAME).toString();
  }

  /** Creates the data directory (and its parents) if it does not exist yet. */
  Future<Void> init() {
    return fs.mkdirs(dir.toString());
  }

  /** The saved note, or an empty buffer if none was ever saved. */
  Future<Buffer> load() {
    return fs.exists(note).compose(exists -> exists ? fs.readFile(note) : Future.succeededFuture(Buffer.buffer()));
  }

  /** Replaces the note with {@code text} atomically. */
  Future<Void> save(Buffer text) {
    // A unique name per save: two overlapping saves must not write into the same temporary file.
    String tmp = dir.resolve("." + FILE_NAME + "." + UUID.randomUUID() + ".tmp").toString();
    CopyOptions replace = new CopyOptions().setAtomicMove(true).setReplaceExisting(true);
    return fs.writeFile(tmp, text)
        .compose(v -> fs.move(tmp, note, replace))
        .recover(err -> fs.delete(tmp).otherwiseEmpty().compose(v -> Future.failedFuture(err)));
  }
}
