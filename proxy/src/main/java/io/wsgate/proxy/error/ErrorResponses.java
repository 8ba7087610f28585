package io.wsgate.proxy.error;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Renders a {@link GatewayError}: a short HTML page for browsers, {@code application/problem+json} (RFC 9457)
 * for everything else. All text is escaped; nothing a client sent is echoed unescaped.
 */
public final class ErrorResponses {

  private ErrorResponses() {
  }

  /** A rendered error: what to send, independent of how (plain response or proxy response). */
  public record Rendered(int status, String contentType, Buffer body, long retryAfterSeconds) {
    public void applyHeaders(MultiMap headers) {
      headers.set("content-type", contentType);
      headers.set("cache-control", "no-store");
      if (retryAfterSeconds > 0) {
        headers.set("retry-after", Long.toString(retryAfterSeconds));
      }
    }
  }

  public static Rendered render(GatewayError error, String detail, long retryAfterSeconds, boolean html) {
    if (html) {
      String page = Pages.page(error.title(), "<p>" + Pages.escape(detail) + "</p>"
          + (retryAfterSeconds > 0 ? "<p class=\"muted\">You can try again in " + retryAfterSeconds
          + " s.</p>" : "") + "<p class=\"muted\">HTTP " + error.status() + " &middot; " + error.tag() + "</p>", null);
      return new Rendered(error.status(), "text/html; charset=utf-8", Buffer.buffer(page), retryAfterSeconds);
    }
    JsonObject problem = new JsonObject()
        .put("type", "https://wsgate.io/errors/" + error.tag())
        .put("title", error.title())
        .put("status", error.status())
        .put("detail", detail);
    if (retryAfterSeconds > 0) {
      problem.put("retryAfter", retryAfterSeconds);
    }
    return new Rendered(error.status(), "application/problem+json", problem.toBuffer(), retryAfterSeconds);
  }

  /** Sends {@code failure} as the whole response, unless one was already started. */
  public static void send(HttpServerRequest req, GatewayFailure failure) {
    send(req, failure.kind(), failure.detail(), failure.retryAfterSeconds());
  }

  /** Sends the error as the whole response, unless one was already started. */
  public static void send(HttpServerRequest req, GatewayError error, String detail, long retryAfterSeconds) {
    HttpServerResponse resp = req.response();
    if (resp.headWritten() || resp.ended()) {
      resp.reset();
      return;
    }
    Rendered r = render(error, detail, retryAfterSeconds, wantsHtml(req));
    resp.setStatusCode(r.status());
    r.applyHeaders(resp.headers());
    resp.end(r.body());
  }

  /** Whether the client is a browser navigating (it asks for HTML). */
  public static boolean wantsHtml(HttpServerRequest req) {
    String accept = req.getHeader("accept");
    return accept != null && accept.contains("text/html");
  }
}
