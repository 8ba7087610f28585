package io.wsgate.demo;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body of at most a given size.
 *
 * <p>{@link HttpServerRequest#body()} would buffer any size; the demo runs with a 48 MiB heap, so an
 * oversized body is refused from its {@code Content-Length} before any byte is read, or, when chunked,
 * as soon as it crosses the limit.
 */
public final class BoundedBody {

  /** The body was larger than allowed; the caller answers 413. */
  public static final class TooLargeException extends RuntimeException {
    TooLargeException(long limit) {
      super("body larger than " + limit + " bytes", null, false, false);
    }
  }

  private BoundedBody() {
  }

  public static Future<Buffer> read(HttpServerRequest request, int limit) {
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && parseLength(declared) > limit) {
      return Future.failedFuture(new TooLargeException(limit));
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      // Only now that the size is known to fit: an oversized upload never gets the go-ahead.
      request.response().writeContinue();
    }
    Promise<Buffer> body = Promise.promise();
    Buffer acc = Buffer.buffer();
    request.handler(chunk -> {
      if (acc.length() + chunk.length() > limit) {
        request.pause();
        body.tryFail(new TooLargeException(limit));
      } else {
        acc.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(body::tryFail);
    request.endHandler(v -> body.tryComplete(acc));
    return body.future();
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE; // unreadable length: refuse rather than guess
    }
  }
}
