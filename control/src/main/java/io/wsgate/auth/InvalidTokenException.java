package io.wsgate.auth;

/** A login token was refused. The message says why in words a student can act on; it never echoes the token. */
public final class InvalidTokenException extends RuntimeException {

  public InvalidTokenException(String message) {
    super(message, null, false, false);
  }
}
