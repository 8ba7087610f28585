package io.wsgate.provider;

/** A provider could not do what was asked; the message is fit for a user's error page. */
public class ProviderException extends RuntimeException {

  public ProviderException(String message) {
    super(message);
  }

  public ProviderException(String message, Throwable cause) {
    super(message, cause);
  }
}
