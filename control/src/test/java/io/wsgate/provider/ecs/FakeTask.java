package io.wsgate.provider.ecs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** One task of {@link FakeEcs}; its fields are guarded by the fake's lock. */
public final class FakeTask {

  final String arn;
  final String ip;
  final String startedBy;
  final JsonArray tags;
  final String container;
  /** System.nanoTime() at which a PENDING task turns RUNNING; Long.MAX_VALUE while held. */
  long runningAt;
  String status = "PENDING";
  String stoppedReason;
  String selfStopReason;
  Integer exitCode;
  JsonObject request;
  FakeBackend backend;

  FakeTask(String arn, String ip, String startedBy, JsonArray tags, String container, long pendingNanos) {
    this.arn = arn;
    this.ip = ip;
    this.startedBy = startedBy;
    this.tags = tags;
    this.container = container;
    this.runningAt = pendingNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + pendingNanos;
  }

  public String arn() {
    return arn;
  }

  /** The task's loopback address, reported as its ENI's private IPv4 once RUNNING. */
  public String ip() {
    return ip;
  }

  /** Ends slow readiness: the backend answers 200 from now on. */
  public void markReady() {
    FakeBackend b = backend;
    if (b != null) {
      b.markReady();
    }
  }

  String tag(String key) {
    for (Object o : tags) {
      JsonObject t = (JsonObject) o;
      if (key.equals(t.getString("key"))) {
        return t.getString("value");
      }
    }
    return null;
  }

  /** Moves a PENDING task on once its delay is over: to RUNNING, or to STOPPED if it is set to fail. */
  void advance() {
    if (!"PENDING".equals(status) || runningAt == Long.MAX_VALUE || System.nanoTime() - runningAt < 0) {
      return;
    }
    if (selfStopReason != null) {
      exitCode = 1;
      stop(selfStopReason);
      closeBackend();
    } else {
      status = "RUNNING";
    }
  }

  void stop(String reason) {
    if (!"STOPPED".equals(status)) {
      status = "STOPPED";
      stoppedReason = reason;
    }
  }

  Future<Void> closeBackend() {
    FakeBackend b = backend;
    backend = null;
    return b == null ? Future.succeededFuture() : b.close();
  }

  JsonObject toJson(boolean withTags) {
    JsonObject container = new JsonObject().put("name", this.container).put("lastStatus", status);
    if (exitCode != null) {
      container.put("exitCode", exitCode).put("reason", "exited");
    }
    JsonObject json = new JsonObject()
        .put("taskArn", arn)
        .put("clusterArn", arn.substring(0, arn.indexOf(":task/")) + ":cluster/wsgate")
        .put("lastStatus", status)
        .put("desiredStatus", "STOPPED".equals(status) ? "STOPPED" : "RUNNING")
        .put("startedBy", startedBy)
        .put("containers", new JsonArray().add(container));
    if (!"PENDING".equals(status)) {
      // like the fake's brief says: the address shows once the PENDING delay is over
      json.put("attachments", new JsonArray().add(new JsonObject()
          .put("id", "attach-" + arn.hashCode()).put("type", "ElasticNetworkInterface").put("status", "ATTACHED")
          .put("details", new JsonArray()
              .add(new JsonObject().put("name", "subnetId").put("value", "subnet-0abc"))
              .add(new JsonObject().put("name", "privateIPv4Address").put("value", ip)))));
    }
    if (stoppedReason != null) {
      json.put("stoppedReason", stoppedReason).put("stopCode", "EssentialContainerExited");
    }
    if (withTags) {
      json.put("tags", tags);
    }
    return json;
  }
}
