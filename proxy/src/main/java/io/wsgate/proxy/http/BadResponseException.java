package io.wsgate.proxy.http;

/** A workspace's response breaks HTTP/1.1 or cannot be passed on: a 502 ({@code upstream_bad_response}). */
class BadResponseException extends Exception {

  BadResponseException(String message) {
    super(message, null, false, false);
  }

  /** A transfer coding other than chunked, which this gateway cannot frame for the client. */
  static final class UnpassableCoding extends BadResponseException {
    final String coding;

    UnpassableCoding(String coding) {
      super("transfer-encoding: " + coding);
      this.coding = coding;
    }
  }
}
