package io.wsgate.proxy.http;

import io.wsgate.proxy.error.GatewayError;
import io.wsgate.workspace.Route;

/** Told when a workspace failed a proxied request, so a dead route can be dropped. */
@FunctionalInterface
public interface UpstreamFailureListener {

  void failed(Route route, GatewayError kind, Throwable cause);
}
