package io.wsgate.proxy.http;

import io.netty.buffer.ByteBuf;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;
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

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Forwards plain HTTP requests to a workspace over the keep-alive connections of the request's event loop
 * ({@link WorkspaceConnections}, HTTP/1.1 spoken by {@link WorkspaceConnection}). Bodies stream both ways with
 * back-pressure; nothing is buffered (but a body of unknown length for an HTTP/1.0 client, which cannot take chunks,
 * up to {@link #MAX_BUFFERED_FOR_HTTP_1_0}). The client's Host is kept, hop-by-hop headers are stripped both ways,
 * forwarded headers are set, the session cookie and the login token stay with the gateway, and upstream failures
 * turn into clear 502/504 pages. A request without a body that a reused connection lost before any answer (the
 * workspace closed it as it was sent) is sent once more on a new connection. One {@link Forward} per route, made
 * when the route is cached, and one {@link Exchange} per request.
 */
public final class HttpForwarder {

  private static final Logger log = LoggerFactory.getLogger(HttpForwarder.class);

  /** The most an upstream body of unknown length is buffered for an HTTP/1.0 client; beyond it both are reset. */
  static final int MAX_BUFFERED_FOR_HTTP_1_0 = 16 * 1024 * 1024;

  private final PerEventLoop<WorkspaceConnections> connections;
  private final PerEventLoop<ResponseDeadlines> deadlines;
  private final long responseTimeoutMs;
  private final UpstreamFailureListener failures;
  private final ActivityTracker activity;
  private final Function<String, Profile.ActivityPolicy> policies;
  private final Meters meters;

  public HttpForwarder(Vertx vertx, long connectTimeoutMs, long responseTimeoutMs, long keepAliveMs,
                       UpstreamFailureListener failures, ActivityTracker activity,
                       Function<String, Profile.ActivityPolicy> policies, Meters meters) {
    this.meters = meters;
    this.connections = new PerEventLoop<>(() -> WorkspaceConnections.onThisLoop(vertx, connectTimeoutMs, keepAliveMs));
    this.deadlines = new PerEventLoop<>(() -> new ResponseDeadlines(vertx, responseTimeoutMs));
    this.activity = activity;
    this.policies = policies;
    this.responseTimeoutMs = responseTimeoutMs;
    this.failures = failures;
  }

  /** What forwards requests to {@code route}'s endpoint, on whichever event loop calls it. */
  public Handler<HttpServerRequest> proxyFor(Route route) {
    return new Forward(route);
  }

  /** Closes every connection to the workspaces, on all event loops. */
  public Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>();
    connections.all().forEach(c -> closed.add(c.close()));
    return Future.join(closed).mapEmpty();
  }

  /** One route's forwarding: its endpoint, mark and policy. */
  private final class Forward implements Handler<HttpServerRequest> {

    private final Route route;
    private final ActivityMark mark;
    private final Profile.ActivityPolicy policy;

    Forward(Route route) {
      this.route = route;
      this.mark = activity.mark(route.id());
      this.policy = policies.apply(route.profile());
    }

    @Override
    public void handle(HttpServerRequest in) {
      new Exchange(this, in).start();
    }
  }

  /** One request on its way through: the client's request, the workspace connection, and the meters' timestamps. */
  private final class Exchange extends ResponseDeadlines.Waiting
      implements UpstreamExchange, Handler<AsyncResult<WorkspaceConnection>> {

    private final Forward forward;
    private final HttpServerRequest in;
    private final long receivedNanos = System.nanoTime();
    private final boolean hasBody;
    private final boolean chunkedBody;
    /** The request's Content-Length, or -1. */
    private final long declaredLength;
    private WorkspaceConnection conn;
    private ResponseDeadlines deadline;
    private boolean timedOut;
    private boolean retried;
    private boolean responding;
    private long headNanos;
    private int status;
    private String outcome = Meters.OK;
    /** Headers the gateway put on the response before forwarding (a refreshed session cookie); null for none. */
    private MultiMap gatewayHeaders;
    /** The body for an HTTP/1.0 client, collected to be sent with its length; null otherwise. */
    private Buffer collected;

    Exchange(Forward forward, HttpServerRequest in) {
      this.forward = forward;
      this.in = in;
      this.chunkedBody = in.headers().contains(HeaderNames.TRANSFER_ENCODING);
      this.declaredLength = contentLength(in.headers());
      this.hasBody = chunkedBody || declaredLength > 0;
    }

    void start() {
      activity.http(forward.mark, ActivitySource.HTTP_REQUEST, declaredLength, forward.policy);
      if (hasBody) {
        in.pause();
      }
      HttpServerResponse out = in.response();
      if (!out.headers().isEmpty()) {
        gatewayHeaders = MultiMap.caseInsensitiveMultiMap().addAll(out.headers());
      }
      out.exceptionHandler(this::clientError);
      connections.get().acquire(forward.route.endpoint(), this);
    }

    /** A workspace connection for this request, or none could be had. */
    @Override
    public void handle(AsyncResult<WorkspaceConnection> ar) {
      if (ar.failed()) {
        failed(ar.cause());
        return;
      }
      WorkspaceConnection c = ar.result();
      if (in.response().closed()) {
        // the client left while this request waited for a connection
        c.giveBack();
        finishedEarly(GatewayError.CLIENT_CLOSED);
        return;
      }
      conn = c;
      long sent = System.nanoTime();
      if (!retried) {
        meters.overheadRequest(sent - receivedNanos);
      }
      deadline = deadlines.get();
      deadline.add(this, sent);
      c.send(head(), hasBody, chunkedBody, in.method() == HttpMethod.HEAD, this);
      if (hasBody) {
        in.handler(this::bodyPart);
        in.endHandler(v -> conn.end(this));
        in.exceptionHandler(err -> conn.abort(this, err));
        in.resume();
      }
    }

    /** The request head as the workspace gets it, in the loop's head builder: {@code send} copies it out. */
    private CharSequence head() {
      StringBuilder head = WorkspaceHeaders.headBuilder();
      head.append(in.method().name()).append(' ').append(Credentials.withoutToken(in.uri())).append(" HTTP/1.1\r\n");
      WorkspaceHeaders.append(in, head, false);
      if (chunkedBody) {
        head.append("transfer-encoding: chunked\r\n");
      }
      return head.append("\r\n");
    }

    private void bodyPart(Buffer data) {
      // once the connection no longer takes this body (the workspace answered first), the rest is read and dropped
      if (conn.write(this, data) && !conn.writable()) {
        in.pause();
      }
    }

    @Override
    public void writable() {
      in.resume();
    }

    private void clientError(Throwable err) {
      if (conn != null) {
        conn.abort(this, err);
      }
    }

    /** The workspace sent no response head within the response timeout. */
    @Override
    void timedOut() {
      timedOut = true;
      conn.abort(this, new ResponseTimeoutException("the workspace sent no response within " + responseTimeoutMs
          + " ms"));
    }

    @Override
    public void continued() {
      if (in.version() == HttpVersion.HTTP_1_1 && "100-continue".equalsIgnoreCase(in.getHeader("expect"))) {
        in.response().writeContinue();
      }
    }

    @Override
    public MultiMap responseHeaders() {
      return in.response().headers();
    }

    @Override
    public void head(ResponseHead head, boolean hasBody) {
      deadline.remove(this);
      headNanos = System.nanoTime();
      meters.upstreamFirstByte(headNanos - sentNanos);
      if (forward.policy.bothDirections()) {
        activity.http(forward.mark, ActivitySource.HTTP_RESPONSE, head.contentLength(), forward.policy);
      }
      HttpServerResponse out = in.response();
      if (out.closed()) {
        // the client left while the workspace was answering: nothing to pass on
        conn.close(this);
        finishedEarly(GatewayError.CLIENT_CLOSED);
        return;
      }
      responding = true;
      status = head.status();
      if (status != 200) { // a new response is 200 OK already (most are): setting it again costs a status lookup
        out.setStatusCode(status);
      }
      // the standard phrase ("200 OK") is what Vert.x writes by itself; another one is passed on as it came
      if (!head.standardReason()) {
        out.setStatusMessage(head.reason());
      }
      if (!head.dated()) {
        out.headers().set("date", HttpDate.now());
      }
      out.headersEndHandler(this::headWritten);
      if (hasBody && head.contentLength() < 0) {
        if (in.version() == HttpVersion.HTTP_1_0) {
          // an HTTP/1.0 client cannot take chunks: the body is collected, up to a bound, and sent with its length
          collected = Buffer.buffer();
        } else {
          out.setChunked(true);
        }
      }
    }

    @Override
    public void body(ByteBuf data) {
      HttpServerResponse out = in.response();
      if (collected != null) {
        collect(data);
        return;
      }
      write(out, data, false);
      if (out.writeQueueFull()) {
        WorkspaceConnection c = conn;
        c.pauseReading();
        out.drainHandler(v -> c.resumeReading());
      }
    }

    @Override
    public void end(ByteBuf last) {
      HttpServerResponse out = in.response();
      if (collected != null) {
        if (last != null && !collect(last)) {
          return;
        }
        out.end(collected);
      } else if (last != null) {
        write(out, last, true);
      } else {
        out.end();
      }
      finished(true);
      if (hasBody) {
        // a body the workspace did not wait for: what is left of it is read and dropped, not held back
        in.resume();
      }
    }

    /**
     * Writes (or ends with) bytes the workspace connection read, as they are: Vert.x sends them without a copy and
     * does not release them, so they are released once written.
     */
    private void write(HttpServerResponse out, ByteBuf data, boolean last) {
      Future<Void> written;
      try {
        written = last ? out.end(BufferInternal.buffer(data)) : out.write(BufferInternal.buffer(data));
      } catch (RuntimeException e) {
        data.release();
        throw e;
      }
      if (written.isComplete()) {
        data.release(); // written already (the usual case): no listener, whose call Vert.x would dispatch
      } else {
        written.onComplete(ar -> data.release());
      }
    }

    /** Adds to the body kept for an HTTP/1.0 client; false (and both sides reset) beyond the bound. */
    private boolean collect(ByteBuf data) {
      try {
        if (collected.length() + data.readableBytes() > MAX_BUFFERED_FOR_HTTP_1_0) {
          conn.close(this);
          in.response().reset();
          finished(false);
          return false;
        }
        collected.appendBuffer(BufferInternal.buffer(data));
        return true;
      } finally {
        data.release();
      }
    }

    private void headWritten(Void v) {
      meters.overheadResponse(System.nanoTime() - headNanos);
    }

    private void finished(boolean ok) {
      if (!ok) {
        in.response().reset();
      }
      meters.requestFinished(outcome, status);
      meters.httpBytes(in.bytesRead(), in.response().bytesWritten());
    }

    /** Nothing reached the client, and nothing will. */
    private void finishedEarly(GatewayError kind) {
      outcome = kind.tag();
      status = kind.status();
      meters.requestFinished(outcome, status);
    }

    @Override
    public void failed(Throwable err, boolean beforeResponse) {
      if (deadline != null) {
        deadline.remove(this);
      }
      if (responding) {
        // the workspace broke off in the middle of its body: the client's response cannot be completed
        log.debug("workspace {}: {} {}: the response broke off: {}", forward.route.id(), in.method(), in.path(),
            err.toString());
        finished(false);
        return;
      }
      if (beforeResponse && !hasBody && !timedOut && !retried && conn.reused() && idempotent(in.method())
          && !(err instanceof BadResponseException) && !in.response().closed()) {
        // the workspace closed an idle keep-alive connection just as this request was sent on it
        retried = true;
        conn = null;
        connections.get().fresh(forward.route.endpoint(), this);
        return;
      }
      failed(err);
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
      } else if (kind == GatewayError.UPSTREAM_BAD_RESPONSE) {
        log.warn("workspace {}: {} {} -> {} ({})", route.id(), in.method(), in.path(), kind.tag(), err.getMessage());
      } else {
        log.warn("workspace {}: {} {} -> {} ({}: {})", route.id(), in.method(), in.path(), kind.tag(),
            route.endpoint(), err.toString());
        failures.failed(route, kind, err);
      }
      String detail = err instanceof BadResponseException.UnpassableCoding coding
          ? "The workspace answered with a transfer coding ('" + coding.coding + "') the gateway cannot pass on."
          : UpstreamErrors.detail(kind);
      failed(kind, detail);
    }

    private void failed(GatewayError kind, String detail) {
      outcome = kind.tag();
      status = kind.status();
      in.resume();
      HttpServerResponse out = in.response();
      // whatever a broken answer's head put there is not this page's; the gateway's own (a session cookie) stay
      out.headers().clear();
      if (gatewayHeaders != null) {
        out.headers().addAll(gatewayHeaders);
      }
      if (out.closed()) {
        meters.requestFinished(outcome, status);
        return;
      }
      ErrorResponses.send(in, kind, detail, 0);
      meters.requestFinished(outcome, status);
      meters.httpBytes(in.bytesRead(), out.bytesWritten());
    }
  }

  private static boolean idempotent(HttpMethod method) {
    return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS;
  }

  /** The workspace kept a request waiting for its response head longer than the response timeout. */
  static final class ResponseTimeoutException extends java.util.concurrent.TimeoutException {
    ResponseTimeoutException(String message) {
      super(message);
    }
  }

  /** The declared body length, or -1 if none is declared (or it is not a number). */
  private static long contentLength(MultiMap headers) {
    String value = headers.get(HeaderNames.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
