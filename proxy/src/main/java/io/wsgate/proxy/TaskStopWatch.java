package io.wsgate.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;

/**
 * On ECS, notices that the gateway's own task is being stopped before SIGTERM says so. A rolling deploy first
 * deregisters the task from the load balancer and waits out the deregistration delay, then the load balancer cuts
 * every connection still open, all at once, and only then ECS sends SIGTERM: a drain that starts at SIGTERM finds no
 * tab left to close gently. The task metadata endpoint reports {@code DesiredStatus: STOPPED} from the moment ECS
 * decides to stop the task, so reading it every {@link #INTERVAL_MS} lets the drain start while the tabs are still
 * connected. One local HTTP call every 2 s; a failing endpoint is logged once and the drain falls back to SIGTERM.
 */
final class TaskStopWatch {

  private static final Logger log = LoggerFactory.getLogger(TaskStopWatch.class);
  static final long INTERVAL_MS = 2_000;

  private final Vertx vertx;
  private final URI task;
  private final Runnable onStopping;
  private final HttpClient client;
  private long timer = -1;
  private boolean asking;
  private boolean warned;

  TaskStopWatch(Vertx vertx, URI metadata, Runnable onStopping) {
    this.vertx = vertx;
    this.task = URI.create(metadata.toString().replaceAll("/+$", "") + "/task");
    this.onStopping = onStopping;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(1_000).setIdleTimeout(5)
        .setKeepAlive(true));
  }

  void start() {
    timer = vertx.setPeriodic(INTERVAL_MS, t -> check());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void check() {
    if (asking) {
      return; // the last answer is still due; never pile requests up
    }
    asking = true;
    desiredStatus().onComplete(ar -> {
      asking = false;
      if (ar.failed()) {
        if (!warned) {
          warned = true;
          log.warn("cannot read the task metadata at {} ({}); the drain will start at SIGTERM", task, ar.cause()
              .toString());
        }
        return;
      }
      if ("STOPPED".equals(ar.result()) && timer >= 0) {
        stop();
        log.info("ECS is stopping this task (task metadata: DesiredStatus STOPPED): draining now");
        onStopping.run();
      }
    });
  }

  private Future<String> desiredStatus() {
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(task.toString())
        .setTimeout(2_000);
    return client.request(get).compose(req -> req.send()).compose(resp -> resp.statusCode() == 200 ? resp.body()
            : Future.failedFuture("HTTP " + resp.statusCode()))
        .map(body -> new JsonObject(body).getString("DesiredStatus", ""));
  }
}
