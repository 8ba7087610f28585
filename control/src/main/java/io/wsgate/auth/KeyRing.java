package io.wsgate.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The HS256 secrets wsgate shares with the LMS, each named by a key id ({@code kid}) so keys can rotate: the
 * first key signs, every key verifies. Parsed from {@code kid:secret,kid:secret}.
 */
public final class KeyRing {

  /** A named secret. {@link #toString()} never shows the secret. */
  public record Key(String kid, byte[] secret) {
    public Key {
      Objects.requireNonNull(kid, "kid");
      secret = secret.clone();
    }

    @Override
    public byte[] secret() {
      return secret.clone();
    }

    @Override
    public String toString() {
      return "Key[" + kid + "]";
    }
  }

  /** Shortest secret accepted: 32 characters, i.e. at least the 256 bits HS256 is meant to have. */
  public static final int MIN_SECRET_LENGTH = 32;
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final List<Key> keys;

  private KeyRing(List<Key> keys) {
    this.keys = List.copyOf(keys);
  }

  /**
   * Parses {@code kid:secret,...}; every problem is added to {@code problems} (which never see a secret).
   * Returns null if there were problems.
   */
  public static KeyRing parse(String spec, List<String> problems) {
    List<Key> keys = new ArrayList<>();
    List<String> mine = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int colon = p.indexOf(':');
      String kid = colon < 0 ? "" : p.substring(0, colon);
      String secret = colon < 0 ? "" : p.substring(colon + 1);
      if (!KID.matcher(kid).matches()) {
        mine.add("key " + (keys.size() + 1) + ": expected kid:secret with a kid of letters, digits, '.', '_' or '-'");
        continue;
      }
      if (secret.length() < MIN_SECRET_LENGTH) {
        mine.add("key '" + kid + "': secret of " + secret.length() + " characters (expected: at least "
            + MIN_SECRET_LENGTH + ", e.g. from openssl rand -base64 32)");
        continue;
      }
      if (keys.stream().anyMatch(k -> k.kid().equals(kid))) {
        mine.add("key '" + kid + "': listed twice");
        continue;
      }
      keys.add(new Key(kid, secret.getBytes(StandardCharsets.UTF_8)));
    }
    if (keys.isEmpty() && mine.isEmpty()) {
      mine.add("no key (expected: kid:secret[,kid:secret...])");
    }
    problems.addAll(mine);
    return mine.isEmpty() ? new KeyRing(keys) : null;
  }

  /**
   * The key kept in {@code file}, generating it (owner-only permissions) the first time: the local default, so
   * sessions survive restarts without any setup.
   */
  public static KeyRing loadOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String line = "local1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n";
      Files.createDirectories(file.toAbsolutePath().getParent());
      try {
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
          Files.createFile(file);
        }
        Files.writeString(file, line, StandardCharsets.UTF_8);
      } catch (FileAlreadyExistsException raced) {
        // another process created it first: use theirs
      }
    }
    List<String> problems = new ArrayList<>();
    KeyRing ring = parse(Files.readString(file, StandardCharsets.UTF_8).trim(), problems);
    if (ring == null) {
      throw new IOException(file + ": " + String.join("; ", problems));
    }
    return ring;
  }

  /**
   * A ring of one random key, kept only in memory: for what must be signed even with auth off (the warm pool's
   * assign requests), where no configured key exists.
   */
  public static KeyRing generated() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return new KeyRing(List.of(new Key("generated",
        Base64.getUrlEncoder().withoutPadding().encodeToString(random).getBytes(StandardCharsets.UTF_8))));
  }

  /** The key new tokens and sessions are signed with. */
  public Key signing() {
    return keys.get(0);
  }

  public List<Key> all() {
    return keys;
  }

  public Key byKid(String kid) {
    for (Key k : keys) {
      if (k.kid().equals(kid)) {
        return k;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "KeyRing" + keys;
  }
}
