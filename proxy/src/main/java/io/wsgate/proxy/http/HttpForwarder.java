package io.wsgate.proxy.http;

import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.wsgate.activity.ActivityMark;
import io.wsgate.activity.ActivitySource;
import io.wsgate.activity.ActivityTracker;
import io.wsgate.config.Profile;
import io.wsgate.metrics.Meters;
import io.wsgate.proxy.auth.Credentials;
import io.wsgate.proxy.edge.ClientFaults;
import io.wsgate.proxy.error.ErrorResponses;
import io.wsgate.proxy.error.GatewayError;
import io.wsgate.workspace.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Function;

/**
 * Forwards plain HTTP requests to a workspace on the client of the request's event loop. Bodies stream both ways
 * through pipes with back-pressure; nothing is buffered (but a body of unknown length for an HTTP/1.0 client, which
 * cannot take chunks, up to {@link #MAX_BUFFERED_FOR_HTTP_1_0}). The client's Host is kept, hop-by-hop headers are
 * stripped both ways, forwarded headers are set, the session cookie and the login token stay with the gateway, and
 * upstream failures turn into clear 502/504 pages. One {@link Forward} per route, made when the route is cached, and
 * one {@link Exchange} per request: no interceptor chain, no copy of the headers beyond the one forwarding needs.
 */
public final class HttpForwarder {

  private static final Logger log = LoggerFactory.getLogger(HttpForwarder.class);

  /** The most an upstream body of unknown length is buffered for an HTTP/1.0 client; beyond it both are reset. */
  static final int MAX_BUFFERED_FOR_HTTP_1_0 = 16 * 1024 * 1024;

  private final PerEventLoop<HttpClient> clients;
  private final PerEventLoop<ResponseDeadlines> deadlines;
  private final long connectTimeoutMs;
  private final long responseTimeoutMs;
  private final UpstreamFailureListener failures;
  private final ActivityTracker activity;
  private final Function<String, Profile.ActivityPolicy> policies;
  private final Meters meters;

  public HttpForwarder(Vertx vertx, PerEventLoop<HttpClient> clients, long connectTimeoutMs, long responseTimeoutMs,
                       UpstreamFailureListener failures, ActivityTracker activity,
                       Function<String, Profile.ActivityPolicy> policies, Meters meters) {
    this.meters = meters;
    this.clients = clients;
    this.deadlines = new PerEventLoop<>(() -> new ResponseDeadlines(vertx, responseTimeoutMs));
    this.activity = activity;
    this.policies = policies;
    this.connectTimeoutMs = connectTimeoutMs;
    this.responseTimeoutMs = responseTimeoutMs;
    this.failures = failures;
  }

  /** What forwards requests to {@code route}'s endpoint, on whichever event loop calls it. */
  public Handler<HttpServerRequest> proxyFor(Route route) {
    return new Forward(route);
  }

  /** One route's forwarding: its endpoint's request options (never changed once made), mark and policy. */
  private final class Forward implements Handler<HttpServerRequest> {

    private final Route route;
    private final RequestOptions options;
    private final ActivityMark mark;
    private final Profile.ActivityPolicy policy;

    Forward(Route route) {
      this.route = route;
      this.options = new RequestOptions()
          .setServer(SocketAddress.inetSocketAddress(route.endpoint().port(), route.endpoint().host()))
          .setConnectTimeout(connectTimeoutMs);
      this.mark = activity.mark(route.id());
      this.policy = policies.apply(route.profile());
    }

    @Override
    public void handle(HttpServerRequest in) {
      new Exchange(this, in).start();
    }
  }

  /** One request on its way through: the client's request, the workspace's, and the timestamps of the meters. */
  private final class Exchange extends ResponseDeadlines.Waiting implements Handler<AsyncResult<HttpClientRequest>> {

    private final Forward forward;
    private final HttpServerRequest in;
    private final long receivedNanos = System.nanoTime();
    private final boolean hasBody;
    private HttpClientRequest up;
    private ResponseDeadlines deadline;
    private boolean timedOut;
    private long headNanos;
    private int status;
    private String outcome = Meters.OK;

    Exchange(Forward forward, HttpServerRequest in) {
      this.forward = forward;
      this.in = in;
      this.hasBody = chunked(in.headers()) || contentLength(in.headers()) > 0;
    }

    void start() {
      long length = contentLength(in.headers());
      activity.http(forward.mark, ActivitySource.HTTP_REQUEST, length, forward.policy);
      if (hasBody) {
        in.pause();
      }
      clients.get().request(forward.options).onComplete(this);
    }

    /** The workspace connection took the request, or none could be had. */
    @Override
    public void handle(AsyncResult<HttpClientRequest> ar) {
      if (ar.failed()) {
        failed(ar.cause());
        return;
      }
      up = ar.result();
      long sent = System.nanoTime();
      meters.overheadRequest(sent - receivedNanos);
      deadline = deadlines.get();
      deadline.add(this, sent);
      // a failure also fails the response future, where it is classified and logged; without a handler here Vert.x
      // would log every reset (a client's broken body, say) as an ERROR of its own
      up.exceptionHandler(this::upstreamError);
      in.response().exceptionHandler(this::clientError);
      up.setMethod(in.method()).setURI(Credentials.withoutToken(in.uri())).authority(in.authority());
      WorkspaceHeaders.copy(in, up.headers());
      up.response().onComplete(this::responded);
      if (!hasBody) {
        up.end();
      } else {
        if (chunked(in.headers())) {
          up.setChunked(true);
        }
        in.pipe().endOnFailure(false).to(up).onFailure(err -> up.reset(0, err));
      }
    }

    private void upstreamError(Throwable err) {
      log.debug("upstream request to {}: {}", forward.route.endpoint(), err.toString());
    }

    private void clientError(Throwable err) {
      if (up != null) {
        up.reset(0, err);
      }
    }

    /** The workspace sent no response head within the response timeout. */
    @Override
    void timedOut() {
      timedOut = true;
      up.reset(0, new ResponseTimeoutException("the workspace sent no response within " + responseTimeoutMs + " ms"));
    }

    private void responded(AsyncResult<HttpClientResponse> ar) {
      deadline.remove(this);
      if (ar.failed()) {
        failed(ar.cause());
        return;
      }
      HttpClientResponse resp = ar.result();
      headNanos = System.nanoTime();
      meters.upstreamFirstByte(headNanos - sentNanos);
      MultiMap upHeaders = resp.headers();
      if (forward.policy.bothDirections()) {
        activity.http(forward.mark, ActivitySource.HTTP_RESPONSE, contentLength(upHeaders), forward.policy);
      }
      HttpServerResponse out = in.response();
      if (out.closed()) {
        // the client left while the workspace was answering: nothing to pass on
        resp.request().reset();
        outcome = GatewayError.CLIENT_CLOSED.tag();
        status = GatewayError.CLIENT_CLOSED.status();
        meters.requestFinished(outcome, status);
        return;
      }
      String te = upHeaders.get("transfer-encoding");
      if (te != null && !"chunked".equals(te) || te != null && upHeaders.getAll("transfer-encoding").size() > 1) {
        // a coding this gateway cannot frame for the client; Vert.x's client has already decoded chunked
        resp.request().reset();
        log.warn("workspace {}: {} {} -> {} (transfer-encoding: {})", forward.route.id(), in.method(), in.path(),
            GatewayError.UPSTREAM_BAD_RESPONSE.tag(), te);
        failed(GatewayError.UPSTREAM_BAD_RESPONSE, "The workspace answered with a transfer coding ('" + te
            + "') the gateway cannot pass on.");
        return;
      }
      status = resp.statusCode();
      out.setStatusCode(status);
      String reason = resp.statusMessage();
      if (reason != null) {
        out.setStatusMessage(reason);
      }
      MultiMap outHeaders = out.headers();
      outHeaders.addAll(upHeaders);
      HopByHop.strip(outHeaders);
      if (!outHeaders.contains("date")) {
        outHeaders.set("date", HttpDate.now());
      }
      out.headersEndHandler(this::headWritten);
      if (!outHeaders.contains("content-length") && mayHaveBody(status)) {
        if (in.version() == HttpVersion.HTTP_1_0) {
          bufferForHttp10(resp, out);
          return;
        }
        out.setChunked(true);
      }
      resp.pipe().endOnFailure(false).to(out).onComplete(this::finished);
    }

    /** An HTTP/1.0 client cannot take chunks: the body is collected, up to a bound, and sent with its length. */
    private void bufferForHttp10(HttpClientResponse resp, HttpServerResponse out) {
      Buffer body = Buffer.buffer();
      resp.handler(chunk -> {
        if (body.length() + chunk.length() > MAX_BUFFERED_FOR_HTTP_1_0) {
          resp.handler(null);
          resp.request().reset();
          out.reset();
          finished(io.vertx.core.Future.failedFuture("body too large for an HTTP/1.0 client"));
          return;
        }
        body.appendBuffer(chunk);
      });
      resp.exceptionHandler(err -> {
        out.reset();
        finished(io.vertx.core.Future.failedFuture(err));
      });
      resp.endHandler(v -> out.end(body).onComplete(this::finished));
    }

    /** Whether a response with {@code status} to this request carries a body (RFC 9110 section 6.4.1). */
    private boolean mayHaveBody(int status) {
      return status >= 200 && status != 204 && status != 304 && in.method() != io.vertx.core.http.HttpMethod.HEAD;
    }

    private void headWritten(Void v) {
      meters.overheadResponse(System.nanoTime() - headNanos);
    }

    private void finished(AsyncResult<Void> ar) {
      if (ar.failed()) {
        if (up != null) {
          up.reset();
        }
        in.response().reset();
      }
      meters.requestFinished(outcome, status);
      meters.httpBytes(in.bytesRead(), in.response().bytesWritten());
    }

    /** The workspace could not be reached or broke off before its response head. */
    private void failed(Throwable err) {
      // a browser that navigates away or aborts a fetch, or a client whose body the edge refused, makes the
      // request reset upstream: that is not the workspace failing
      String bodyRefused = ClientFaults.bodyRefused(in);
      boolean clientGone = bodyRefused != null || in.response().closed();
      GatewayError kind = bodyRefused != null ? GatewayError.BAD_REQUEST
          : clientGone ? GatewayError.CLIENT_CLOSED
          : timedOut ? GatewayError.UPSTREAM_TIMEOUT : UpstreamErrors.classify(err);
      Route route = forward.route;
      if (bodyRefused != null) {
        log.debug("workspace {}: {} {}: the client's body was refused ({}); upstream request reset", route.id(),
            in.method(), in.path(), bodyRefused);
      } else if (clientGone) {
        log.debug("workspace {}: {} {}: the client closed the connection before the response",
            route.id(), in.method(), in.path());
      } else {
        log.warn("workspace {}: {} {} -> {} ({}: {})", route.id(), in.method(), in.path(), kind.tag(),
            route.endpoint(), err.toString());
        failures.failed(route, kind, err);
      }
      failed(kind, UpstreamErrors.detail(kind));
    }

    private void failed(GatewayError kind, String detail) {
      outcome = kind.tag();
      status = kind.status();
      in.resume();
      HttpServerResponse out = in.response();
      if (out.closed()) {
        meters.requestFinished(outcome, status);
        return;
      }
      ErrorResponses.send(in, kind, detail, 0);
      meters.requestFinished(outcome, status);
      meters.httpBytes(in.bytesRead(), out.bytesWritten());
    }
  }

  /** The workspace kept a request waiting for its response head longer than the response timeout. */
  static final class ResponseTimeoutException extends java.util.concurrent.TimeoutException {
    ResponseTimeoutException(String message) {
      super(message);
    }
  }

  private static boolean chunked(MultiMap headers) {
    return headers.contains("transfer-encoding");
  }

  /** The declared body length, or -1 if none is declared (or it is not a number). */
  private static long contentLength(MultiMap headers) {
    String value = headers.get("content-length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The Date header for responses whose workspace sent none, formatted at most once a second. */
  static final class HttpDate {

    private static final DateTimeFormatter IMF_FIXDATE =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record Formatted(long second, String text) {
    }

    private static volatile Formatted last = new Formatted(-1, "");

    private HttpDate() {
    }

    static String now() {
      long ms = System.currentTimeMillis();
      Formatted f = last;
      if (f.second() != ms / 1000) {
        f = new Formatted(ms / 1000, IMF_FIXDATE.format(Instant.ofEpochMilli(ms)));
        last = f;
      }
      return f.text();
    }
  }
}
